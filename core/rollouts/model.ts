import type { TimeWindow } from '../oncall/window';
/**
 * The rollout domain's vocabulary. A rollout moves planned → running(wave 1) →
 * awaiting-approval(wave k) → running(wave k) → … → completed, and can be paused (by
 * an operator or by a gate breach) or aborted. Each target device moves through the
 * update phases the device reports, and ends in exactly one terminal state.
 */

export const ROLLOUT_STATES = ['planned', 'awaiting-approval', 'running', 'paused', 'aborted', 'completed'] as const;
export type RolloutState = (typeof ROLLOUT_STATES)[number];

export const DEVICE_STATES = [
  'queued',
  'targeted',
  'downloading',
  'verifying',
  'applying',
  'rebooting',
  'soaking',
  'succeeded',
  'already-current',
  'incompatible',
  'skipped-offline',
  'failed',
  'timed-out',
  'rolled-back',
  'canceled',
] as const;
export type DeviceState = (typeof DEVICE_STATES)[number];

/** Desired firmware written, result not known yet. */
export const IN_FLIGHT_STATES: readonly DeviceState[] = ['targeted', 'downloading', 'verifying', 'applying', 'rebooting', 'soaking'];
/** Count against the failure gate. */
export const FAILURE_STATES: readonly DeviceState[] = ['failed', 'timed-out', 'rolled-back'];
/** Retry failed puts these back in the queue. */
export const RETRYABLE_STATES: readonly DeviceState[] = ['failed', 'timed-out', 'rolled-back', 'skipped-offline'];

/** Rollouts that hold their devices: a device may be in one of these at a time. */
export const ACTIVE_ROLLOUT_STATES: readonly RolloutState[] = ['awaiting-approval', 'running', 'paused'];

export interface Gates {
  /** Success ≥ this % of finished devices for a wave to pass. */
  readonly successPct: number;
  /** Failures < this % of finished devices, or the rollout pauses itself. */
  readonly failurePct: number;
  /** Judge after this many devices finished; undefined = min(10, wave size). */
  readonly minFinished?: number;
}

export interface RolloutSettings {
  /** Cumulative % of targets per wave, ending at 100. */
  readonly waves: readonly number[];
  readonly gates: Gates;
  /** How long a device must stay healthy on the new version to count as succeeded. */
  readonly soakMs: number;
  /** Silence in any phase longer than this turns into timed-out. */
  readonly phaseTimeoutMs: number;
  /** Desired writes per second (the backend's quota). */
  readonly dispatchPerSecond: number;
  /** Writes only inside this window (`window "Sat 02:00-06:00 Europe/Berlin"`); a wave running at its end pauses. */
  readonly window?: TimeWindow;
}

export const DEFAULT_SETTINGS: RolloutSettings = {
  waves: [1, 10, 50, 100],
  gates: { successPct: 95, failurePct: 2 },
  soakMs: 5 * 60_000,
  phaseTimeoutMs: 30 * 60_000,
  dispatchPerSecond: 50,
};

export interface FirmwareTarget {
  readonly version: string;
  readonly packageUri: string;
  readonly sha256: string;
}

export interface WaveRecord {
  /** 1-based. */
  readonly index: number;
  readonly size: number;
  readonly startedAt?: string;
  readonly approvedBy?: string;
  readonly passedAt?: string;
  /** Failures acknowledged by a resume after a breach: they no longer count against the gate. */
  readonly acknowledgedFailures: number;
}

export interface Rollout {
  readonly id: string;
  /** Optimistic concurrency: every transition bumps it; a click carrying an older one is stale. */
  readonly version: number;
  readonly firmware: FirmwareTarget;
  readonly filterText: string;
  readonly state: RolloutState;
  /** The wave running, or awaiting approval; 0 while planned. */
  readonly currentWave: number;
  readonly waves: readonly WaveRecord[];
  readonly settings: RolloutSettings;
  readonly createdBy: string;
  readonly createdAt: string;
  /** Where it was planned: gets the progress card besides the `rollouts` subscribers. */
  readonly conversationId?: string;
  /** Who made the last transition and what it was, to tell a late clicker what happened. */
  readonly lastChange: { readonly by: string; readonly at: string; readonly what: string };
  readonly pauseReason?: string;
  /** Last time desired writes were dispatched (ms), for the rate budget. */
  readonly lastDispatchAt?: number;
}

/** One target device of a rollout. Times are epoch ms. */
export interface RolloutDevice {
  readonly rolloutId: string;
  readonly deviceId: string;
  /** 1-based wave, or null for devices outside the waves (already-current, incompatible). */
  readonly wave: number | null;
  /** Dispatch order (canary first); 0 for devices outside the waves. */
  readonly seq: number;
  readonly state: DeviceState;
  readonly attempt: number;
  /** When the current state began. */
  readonly since: number;
  readonly previousVersion?: string;
  readonly model?: string;
  /** Intent recorded but the desired write is not confirmed (a crash may sit between). */
  readonly pendingWrite: boolean;
  /** The reported fwUpdateStatus when the desired was written, to ignore stale reports. */
  readonly baselineStatus?: string;
  readonly reason?: string;
  /** Connection at the last observation (a soaking device succeeds only while connected). */
  readonly connected?: boolean;
  /** The store's handle of the row, when it came from the store: updates need no lookup by id. */
  readonly key?: number;
}

export type StateCounts = Partial<Record<DeviceState, number>>;

export interface WaveCounts {
  readonly wave: number;
  readonly counts: StateCounts;
}

export const sumStates = (counts: StateCounts, states: readonly DeviceState[]): number => states.reduce((n, s) => n + (counts[s] ?? 0), 0);
export const totalOf = (counts: StateCounts): number => Object.values(counts).reduce((n, c) => n + (c ?? 0), 0);
