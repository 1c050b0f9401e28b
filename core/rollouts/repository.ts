import type { PlannedDevice } from './plan';
import type { DeviceState, Rollout, RolloutDevice, RolloutState, WaveCounts } from './model';
import type { DeviceChange } from './progress';

/** The fields a transition may change (id, firmware, creation stay fixed). */
export type RolloutPatch = Partial<Pick<Rollout, 'state' | 'currentWave' | 'waves' | 'lastChange' | 'pauseReason'>>;

export interface RolloutConflict {
  readonly rolloutId: string;
  readonly state: RolloutState;
  readonly devices: number;
  readonly example: string;
}

/** What a tick needs of an in-flight device to move it on (the hot path reads no more). */
export type InFlightDevice = Pick<RolloutDevice, 'deviceId' | 'state' | 'since' | 'baselineStatus' | 'connected'> & { readonly key: number };

export interface Membership {
  readonly rolloutId: string;
  readonly rolloutState: RolloutState;
  readonly version: string;
  readonly wave: number | null;
  readonly state: DeviceState;
  readonly reason?: string;
}

/**
 * Where rollouts live. Every method is one statement or one transaction, set-based over
 * the device rows, so 100,000 targets stay fast. The engine never holds a unit of work
 * across a network call.
 */
export interface RolloutRepository {
  /** A new short id, e.g. R7. */
  nextId(): Promise<string>;
  /** Stores a planned rollout and all its device rows at once. */
  insertPlan(rollout: Rollout, devices: readonly PlannedDevice[], now: number): Promise<void>;
  get(id: string): Promise<Rollout | undefined>;
  /** Newest first. */
  list(options?: { limit?: number; states?: readonly RolloutState[] }): Promise<Rollout[]>;
  /**
   * Applies the patch only if the stored version is `expectedVersion`; returns the new
   * rollout, or undefined when stale. Device moves that belong to the transition (e.g.
   * retry's requeue) go in the same unit of work, only when it applies.
   */
  transition(id: string, expectedVersion: number, patch: RolloutPatch): Promise<Rollout | undefined>;
  /** Records when desired writes were last dispatched (for the rate budget); not a transition, so no version bump. */
  markDispatched(id: string, at: number): Promise<void>;
  /** Removes a plan that was refused before anyone saw it (e.g. it overlaps an active rollout). */
  discardPlan(id: string): Promise<void>;
  /** Active rollouts (awaiting approval, running, paused) sharing queued or in-flight devices with `rolloutId`. */
  conflicts(rolloutId: string): Promise<RolloutConflict[]>;
  /** Counts per wave and state (wave 0 = outside the waves). */
  waveCounts(rolloutId: string): Promise<WaveCounts[]>;
  /**
   * What a gate needs, per wave: the settled states counted one by one, and every open
   * device (queued or in flight) counted as `queued`. Costs the settled rows only, so a tick
   * with 100,000 devices in flight does not walk them all.
   */
  gateCounts(rolloutId: string): Promise<WaveCounts[]>;
  devices(rolloutId: string, states: readonly DeviceState[], options?: { wave?: number; limit?: number }): Promise<RolloutDevice[]>;
  /** Devices whose write intent is recorded but not confirmed (left by a crash, or a write without an answer). */
  pendingWrites(rolloutId: string): Promise<RolloutDevice[]>;
  /** Ids of the in-flight devices with a confirmed write (for backends that cannot select a rollout's devices). */
  inFlightIds(rolloutId: string): Promise<string[]>;
  /** Those of `deviceIds` that are in flight with a confirmed write: the devices a tick's observations apply to. */
  inFlightOf(rolloutId: string, deviceIds: readonly string[]): Promise<InFlightDevice[]>;
  /**
   * The transitions time alone makes, set-based over devices not observed this tick (their
   * last observation still holds): soaking and connected for the soak time → succeeded;
   * silent past the phase timeout (soak + timeout while soaking) → timed-out. Returns how many moved.
   */
  settleByTime(rolloutId: string, now: number, limits: { soakMs: number; phaseTimeoutMs: number; waves: number }): Promise<number>;
  /** Records the connection seen for devices whose state did not change. */
  markConnection(rolloutId: string, deviceIds: readonly string[], connected: boolean): Promise<void>;
  /**
   * Records the intent to write: moves up to `limit` queued devices of waves ≤ `maxWave`
   * to targeted with pendingWrite set, in dispatch order, and returns them.
   */
  claimForDispatch(rolloutId: string, maxWave: number, limit: number, now: number): Promise<RolloutDevice[]>;
  /** The write was made (or found already made): clears pendingWrite, stores the baseline status, marks the device connected. */
  confirmWritten(rolloutId: string, confirmed: ReadonlyArray<{ deviceId: string; baselineStatus?: string; key?: number }>, now: number): Promise<void>;
  /** State changes from a tick, in one transaction; also clears pendingWrite on those rows. */
  applyChanges(rolloutId: string, changes: readonly DeviceChange[]): Promise<void>;
  /** Moves devices in `from` (of waves ≤ maxWave) back to queued with attempt + 1. Returns how many. */
  requeue(rolloutId: string, from: readonly DeviceState[], maxWave: number, now: number): Promise<number>;
  /** Sets devices in `from` to `to` (e.g. queued → canceled on abort). Returns how many. */
  moveAll(rolloutId: string, from: readonly DeviceState[], to: DeviceState, reason: string, now: number): Promise<number>;
  /** Sets one device's state if it is in `from`; false when it is not. */
  moveDevice(rolloutId: string, deviceId: string, from: readonly DeviceState[], to: DeviceState, reason: string, now: number): Promise<boolean>;
  /** The device's rollout: the active one, else the most recent. */
  membershipOf(deviceId: string): Promise<Membership | undefined>;
  /** Rollouts the tick must look at: active ones, and aborted ones with devices still in flight. */
  tickable(): Promise<Rollout[]>;
}
