import type { DeviceState, Rollout, RolloutDevice, RolloutState } from '../../../core/rollouts/model';

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
