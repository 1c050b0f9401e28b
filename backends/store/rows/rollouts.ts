import {
  DEVICE_STATES,
  IN_FLIGHT_STATES,
  RETRYABLE_STATES,
  totalOf,
  type DeviceState,
  type Rollout,
  type RolloutDevice,
  type RolloutState,
  type StateCounts,
  type WaveCounts,
} from '../../../core/rollouts/model';
import type { PlannedDevice } from '../../../core/rollouts/plan';

/**
 * The rollout tables' rows as either adapter reads them, and their mapping to the domain.
 * The dialects differ only in types: PostgreSQL returns BIGINT as text and booleans as
 * booleans, SQLite numbers and 0/1; the mapping accepts both.
 */
export interface RolloutRow {
  id: string;
  version: number;
  fw_version: string;
  fw_uri: string;
  fw_sha256: string;
  filter_text: string;
  state: RolloutState;
  current_wave: number;
  waves_json: string;
  settings_json: string;
  created_by: string;
  created_at: string;
  conversation_id: string | null;
  last_change_json: string;
  pause_reason: string | null;
  last_dispatch_at: number | string | null;
}

export interface DeviceRow {
  id: number | string;
  rollout_id: string;
  device_id: string;
  wave: number | null;
  seq: number;
  state: DeviceState;
  attempt: number;
  since: number | string;
  previous_version: string | null;
  model: string | null;
  pending_write: boolean | number;
  baseline_status: string | null;
  reason: string | null;
  connected: boolean | number;
}

export const toRollout = (r: RolloutRow): Rollout => ({
  id: r.id,
  version: r.version,
  firmware: { version: r.fw_version, packageUri: r.fw_uri, sha256: r.fw_sha256 },
  filterText: r.filter_text,
  state: r.state,
  currentWave: r.current_wave,
  waves: JSON.parse(r.waves_json),
  settings: JSON.parse(r.settings_json),
  createdBy: r.created_by,
  createdAt: r.created_at,
  conversationId: r.conversation_id ?? undefined,
  lastChange: JSON.parse(r.last_change_json),
  pauseReason: r.pause_reason ?? undefined,
  lastDispatchAt: r.last_dispatch_at === null ? undefined : Number(r.last_dispatch_at),
});

export const toDevice = (r: DeviceRow): RolloutDevice => ({
  rolloutId: r.rollout_id,
  deviceId: r.device_id,
  wave: r.wave,
  seq: r.seq,
  state: r.state,
  attempt: r.attempt,
  since: Number(r.since),
  previousVersion: r.previous_version ?? undefined,
  model: r.model ?? undefined,
  pendingWrite: Boolean(r.pending_write),
  baselineStatus: r.baseline_status ?? undefined,
  reason: r.reason ?? undefined,
  connected: Boolean(r.connected),
  key: Number(r.id),
});

/** A device in one of these states holds it for its rollout: another rollout must not take it. */
export const HOLDING: readonly DeviceState[] = ['queued', ...IN_FLIGHT_STATES, ...RETRYABLE_STATES];
/** Not open: neither queued nor in flight. */
export const SETTLED: readonly DeviceState[] = DEVICE_STATES.filter((s) => s !== 'queued' && !IN_FLIGHT_STATES.includes(s));

/** A count of a rollout's devices in one state of one wave (wave 0: not in a wave). */
export interface WaveStateCount {
  wave: number;
  state: DeviceState;
  n: number | string;
}

/** Counts per wave, waves in order. */
export function toWaveCounts(rows: readonly WaveStateCount[]): WaveCounts[] {
  const byWave = new Map<number, StateCounts>();
  for (const r of rows) {
    const counts = byWave.get(r.wave) ?? {};
    counts[r.state] = Number(r.n);
    byWave.set(r.wave, counts);
  }
  return [...byWave.entries()].sort((a, b) => a[0] - b[0]).map(([wave, counts]) => ({ wave, counts }));
}

/** Rows per wave of a plan (wave 0: not in a wave). */
export function waveTotalsOf(devices: readonly PlannedDevice[]): Map<number, number> {
  const totals = new Map<number, number>();
  for (const d of devices) totals.set(d.wave ?? 0, (totals.get(d.wave ?? 0) ?? 0) + 1);
  return totals;
}

/** The gate's counts: the settled rows counted, every other row of a wave reported as queued. */
export function toGateCounts(totals: ReadonlyMap<number, number>, settled: readonly WaveStateCount[]): WaveCounts[] {
  const byWave = new Map<number, StateCounts>([...totals.keys()].map((wave) => [wave, {}]));
  for (const r of settled) byWave.get(r.wave)![r.state] = Number(r.n);
  return [...byWave.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([wave, counts]) => {
      const open = totals.get(wave)! - totalOf(counts);
      return { wave, counts: open > 0 ? { ...counts, queued: open } : counts };
    });
}
