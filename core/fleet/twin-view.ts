import type { DeviceTwin, FwUpdateStatus } from '../ports/fleet';

/**
 * Typed reads of the twin conventions (the port keeps properties as open JSON):
 * desired `firmware.{fwVersion, fwPackageURI, fwPackageCheckValue, rolloutId, waveId}`,
 * reported `firmware.{currentFwVersion, pendingFwVersion, fwUpdateStatus, fwUpdateSubstatus,
 * lastFwUpdateStartTime, lastFwUpdateEndTime}` and reported `health.{battery, rssi,
 * temperature, uptime, reboots, errorCount, cpuPercent}`.
 */
export interface FirmwareView {
  readonly current?: string;
  readonly desired?: string;
  readonly pending?: string;
  readonly status?: FwUpdateStatus;
  readonly substatus?: string;
  readonly lastStart?: string;
  readonly lastEnd?: string;
  readonly rolloutId?: string;
  readonly waveId?: string;
  /** Desired differs from current (an update is pending, running or failed). */
  readonly drift: boolean;
}

export interface HealthView {
  /** Percent 0..100. */
  readonly battery?: number;
  /** dBm, e.g. -67. */
  readonly rssi?: number;
  /** °C. */
  readonly temperature?: number;
  /** Seconds since the last boot. */
  readonly uptime?: number;
  readonly reboots?: number;
  /** Errors logged in the last hour. */
  readonly errorCount?: number;
  readonly cpuPercent?: number;
}

export function firmwareOf(twin: DeviceTwin): FirmwareView {
  const desired = objectAt(twin.properties.desired, 'firmware');
  const reported = objectAt(twin.properties.reported, 'firmware');
  const current = str(reported.currentFwVersion);
  const wanted = str(desired.fwVersion);
  return {
    current,
    desired: wanted,
    pending: str(reported.pendingFwVersion),
    status: str(reported.fwUpdateStatus) as FwUpdateStatus | undefined,
    substatus: str(reported.fwUpdateSubstatus),
    lastStart: str(reported.lastFwUpdateStartTime),
    lastEnd: str(reported.lastFwUpdateEndTime),
    rolloutId: str(desired.rolloutId),
    waveId: desired.waveId === undefined || desired.waveId === null ? undefined : String(desired.waveId),
    drift: wanted !== undefined && wanted !== current,
  };
}

export function healthOf(twin: DeviceTwin): HealthView {
  const h = objectAt(twin.properties.reported, 'health');
  return {
    battery: num(h.battery),
    rssi: num(h.rssi),
    temperature: num(h.temperature),
    uptime: num(h.uptime),
    reboots: num(h.reboots),
    errorCount: num(h.errorCount),
    cpuPercent: num(h.cpuPercent),
  };
}

/** The reported fwUpdateStatus values of an update under way, in the order a device goes through them. */
export const UPDATE_PHASES = ['downloading', 'verifying', 'applying', 'rebooting'] as const satisfies readonly FwUpdateStatus[];
export type UpdatePhase = (typeof UPDATE_PHASES)[number];

const UPDATING: ReadonlySet<string> = new Set(UPDATE_PHASES);

/** A reported fwUpdateStatus of an update under way (not current, failed or rolled back). */
export const isUpdating = (status: string | null | undefined): boolean => status != null && UPDATING.has(status);

export const tagOf = (twin: DeviceTwin, name: string): string | undefined => str(twin.tags[name]);

function objectAt(source: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = source[key];
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
