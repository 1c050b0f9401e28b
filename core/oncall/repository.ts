import type { EscalationState } from './escalation';
import type { MaintenanceWindow, NewMaintenanceWindow } from './maintenance';
import type { NewOverride, Override } from './override';
import type { Rotation } from './rotation';
import type { NewTimelineEntry, TimelineAddition, TimelineEntry } from './timeline';

/**
 * The on-call state's ports. Async, as every repository port is becoming (the PostgreSQL
 * adapter answers over the network); the SQLite adapter answers at once.
 */
export interface RotationRepository {
  list(): Promise<Rotation[]>;
  get(name: string): Promise<Rotation | undefined>;
  /** Inserts, or replaces the rotation of that name. */
  save(rotation: Rotation, savedBy: string): Promise<void>;
  remove(name: string): Promise<boolean>;
}

export type AddOverrideResult = { readonly ok: true; readonly override: Override } | { readonly ok: false; readonly overlaps: Override };

export interface OverrideRepository {
  /** Overrides that end after `endingAfter` (all when omitted), by start. */
  list(options?: { rotation?: string; endingAfter?: Date }): Promise<Override[]>;
  /** Adds it unless it overlaps another override of its rotation: checked and written atomically. */
  add(override: NewOverride): Promise<AddOverrideResult>;
  remove(id: number): Promise<Override | undefined>;
}

export interface MaintenanceWindowRepository {
  list(): Promise<MaintenanceWindow[]>;
  add(window: NewMaintenanceWindow): Promise<MaintenanceWindow>;
  remove(id: number): Promise<MaintenanceWindow | undefined>;
}

export interface AlertTimelineRepository {
  append(entry: NewTimelineEntry): Promise<TimelineEntry>;
  /** Appends several entries in one step, in order (ingestion's, for a batch of alerts). */
  appendAll(entries: readonly TimelineAddition[]): Promise<void>;
  list(alertId: string): Promise<TimelineEntry[]>;
  /** Alerts held by a maintenance window that ended by `nowMs` and have not been released (no `posted` entry after the hold). */
  heldUntil(nowMs: number): Promise<Array<{ alertId: string; until: string }>>;
  /** The latest `limit` notes, newest first, and how many there are. */
  notes(alertId: string, limit: number): Promise<{ latest: TimelineEntry[]; count: number }>;
}

export interface EscalationRepository {
  get(alertId: string): Promise<EscalationState | undefined>;
  /** False when the alert already has an escalation (a second replica, or a retried webhook). */
  create(state: EscalationState): Promise<boolean>;
  /** Stores `next` only when the stored version is `next.version - 1`; false = someone else moved it first. */
  update(next: EscalationState): Promise<boolean>;
  /** Unacknowledged escalations with a page due at `now`, earliest first. */
  due(now: Date, limit: number): Promise<EscalationState[]>;
}

/** Where a person can be messaged one to one: remembered from their turns in a personal chat with the bot. */
export interface PersonalChatRepository {
  remember(userKeys: readonly string[], conversationId: string): Promise<void>;
  /** By Entra object id, Teams user id or UPN (case-insensitive). */
  find(userKey: string): Promise<string | undefined>;
}

export interface OnCallStore {
  readonly rotations: RotationRepository;
  readonly overrides: OverrideRepository;
  readonly maintenance: MaintenanceWindowRepository;
  readonly timeline: AlertTimelineRepository;
  readonly escalations: EscalationRepository;
  readonly personalChats: PersonalChatRepository;
}
