import type { DeviceTwin } from '../ports/fleet';
import { formatDuration } from '../text/duration';
import { firmwareOf, healthOf } from './twin-view';

export type HealthVerdict = 'healthy' | 'degraded' | 'unhealthy' | 'unknown';

export interface HealthAssessment {
  readonly verdict: HealthVerdict;
  /** Why, worst first; empty when healthy. */
  readonly reasons: readonly string[];
}

/** Thresholds, in one place so cards, alerts and docs agree. */
export const HEALTH_LIMITS = {
  offlineUnhealthyMs: 15 * 60_000,
  hotC: 75,
  warmC: 65,
  batteryLowPct: 15,
  batteryCriticalPct: 5,
  weakRssiDbm: -90,
  errorsPerHour: 20,
  rebootsDegraded: 10,
} as const;

/**
 * One word for the on-call engineer plus the reasons. Unhealthy: offline for a while,
 * hot, battery nearly empty, firmware update failed. Degraded: the early signs.
 */
export function assessHealth(twin: DeviceTwin, now: Date): HealthAssessment {
  const bad: string[] = [];
  const meh: string[] = [];
  const h = healthOf(twin);
  const fw = firmwareOf(twin);
  if (twin.status === 'disabled') bad.push('disabled in the registry');
  if (twin.connectionState === 'Disconnected') {
    const last = twin.lastActivityTime ? Date.parse(twin.lastActivityTime) : NaN;
    const away = Number.isFinite(last) ? now.getTime() - last : Infinity;
    const text = Number.isFinite(away) ? `offline for ${formatDuration(away)}` : 'never connected';
    (away >= HEALTH_LIMITS.offlineUnhealthyMs ? bad : meh).push(text);
  }
  if (h.temperature !== undefined) {
    if (h.temperature >= HEALTH_LIMITS.hotC) bad.push(`hot: ${h.temperature.toFixed(1)} °C`);
    else if (h.temperature >= HEALTH_LIMITS.warmC) meh.push(`warm: ${h.temperature.toFixed(1)} °C`);
  }
  if (h.battery !== undefined) {
    if (h.battery <= HEALTH_LIMITS.batteryCriticalPct) bad.push(`battery ${Math.round(h.battery)} %`);
    else if (h.battery <= HEALTH_LIMITS.batteryLowPct) meh.push(`battery low: ${Math.round(h.battery)} %`);
  }
  if (h.rssi !== undefined && h.rssi <= HEALTH_LIMITS.weakRssiDbm) meh.push(`weak signal: ${h.rssi} dBm`);
  if (h.errorCount !== undefined && h.errorCount >= HEALTH_LIMITS.errorsPerHour) meh.push(`${h.errorCount} errors in the last hour`);
  if (h.reboots !== undefined && h.reboots >= HEALTH_LIMITS.rebootsDegraded) meh.push(`${h.reboots} reboots`);
  if (fw.status === 'error') bad.push(`firmware update to ${fw.desired ?? '?'} failed${fw.substatus ? ` (${fw.substatus})` : ''}`);
  if (fw.status === 'rolledback') meh.push(`rolled back to ${fw.current ?? '?'} from ${fw.pending ?? fw.desired ?? '?'}`);

  if (bad.length > 0) return { verdict: 'unhealthy', reasons: [...bad, ...meh] };
  if (meh.length > 0) return { verdict: 'degraded', reasons: meh };
  const knowsAnything = twin.lastActivityTime !== undefined || Object.values(h).some((v) => v !== undefined);
  return { verdict: knowsAnything ? 'healthy' : 'unknown', reasons: [] };
}
