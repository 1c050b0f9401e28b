import type { AlertRecord } from './alert';
import type { AlertFilter } from './filter';
import type { Silence } from './silence';
import type { Storm, StormMember, StormView } from './storm';

/** A position in storm key order. */
export type StormCursor = Pick<Storm, 'conversationId' | 'rule' | 'generation'>;

/** What a joining member adds to a storm's totals. */
export type StormJoiner = Pick<AlertRecord, 'monitorCondition' | 'severity' | 'firedAt' | 'site'>;

/** Which card shows an alert in a conversation (its own, or a storm card). */
export interface Delivery {
  readonly conversationId: string;
  readonly alertId: string;
  readonly cardKey: string;
  /** ms epoch. */
  readonly deliveredAt: number;
  /** Set when the alert joined a storm card. */
  readonly storm?: { readonly rule: string; readonly generation: number };
}

/** A notification's dedupe key claimed (with the alert as stored before it), or found stored already. */
export type ClaimedEvent = { readonly claimed: false } | { readonly claimed: true; readonly previous: AlertRecord | undefined };

/** A delivery to record (recordDeliveries); one to a storm card says which storm, as it is now, and what its alert adds. */
export interface DeliveryToRecord {
  readonly delivery: Delivery;
  readonly joins?: { readonly storm: Storm; readonly member: StormJoiner };
}

/** A conversation's recent deliveries (capped count) and latest storms, for routing (stormContext). */
export interface StormContext {
  readonly recent: number;
  readonly latest: readonly Storm[];
}

/** One notification to claim: its dedupe key, its alert and the payload as received. */
export interface EventClaim {
  readonly dedupeKey: string;
  readonly alertId: string;
  readonly receivedAt: string;
  readonly payload: string;
}

/**
 * The alerts store (port). Group writes that belong together in one UnitOfWork run
 * (core/unit-of-work.ts): it is atomic and durable.
 */
export interface AlertRepository {
  /**
   * Stores each notification under its dedupe key, in one step for all of them, and says for
   * each whether its key was new (with the alert as stored before) or stored already: a
   * redelivery, possibly being stored by another replica at this very moment (the claim waits
   * for it and then reports the duplicate instead of failing). A key given twice is claimed
   * by its first notification.
   */
  claimEvents(events: readonly EventClaim[]): Promise<ClaimedEvent[]>;

  /** By full id, or by the short id cards and commands show. */
  get(alertId: string): Promise<AlertRecord | undefined>;
  /** By full id only: what ingestion merges a notification into (a new id must never match another alert's short id). */
  getExact(alertId: string): Promise<AlertRecord | undefined>;
  save(record: AlertRecord): Promise<void>;
  /** save for each, in one step (each alert once: the batch's latest record of it). */
  saveAll(records: readonly AlertRecord[]): Promise<void>;
  /** Saves only if the stored alert is still at `expectedVersion` (two clicks on two replicas: one wins); false when it moved on. */
  replace(record: AlertRecord, expectedVersion: number): Promise<boolean>;
  /** Open = Fired and not Closed; worst severity first, then newest. */
  listOpen(filter: AlertFilter, limit: number): Promise<AlertRecord[]>;
  countOpen(filter: AlertFilter): Promise<number>;
  /** Alerts still Fired (whatever people did with them) whose id starts with `prefix`: the local rules' memory. */
  listFiringWithPrefix(prefix: string): Promise<AlertRecord[]>;

  deliveriesOf(alertId: string): Promise<Delivery[]>;
  /** deliveriesOf for several alerts, in one step (in no particular order across alerts). */
  deliveriesOfAlerts(alertIds: readonly string[]): Promise<Delivery[]>;
  /**
   * Records each delivery, in one step for all of them; one a conversation already has for
   * that alert is kept as it was. A delivery to a storm card joins its alert to the storm:
   * the storm's last time moves on, its card is marked for rendering, and the member is added
   * to its running totals (however many of the deliveries join the same storm).
   */
  recordDeliveries(deliveries: readonly DeliveryToRecord[]): Promise<void>;
  /**
   * What routing an alert to a conversation needs to know, in one step: how many deliveries
   * it had after `sinceMs` (counted up to `atMost`), and the latest storm of each of `rules`
   * there (rules with no storm are left out).
   */
  stormContext(conversationId: string, sinceMs: number, atMost: number, rules: readonly string[]): Promise<StormContext>;

  markStormDirty(conversationId: string, rule: string, generation: number): Promise<void>;
  /** Storms whose card must be rendered again, in key order (after `after`, at most `limit`), with the card's notifier key. */
  dirtyStorms(limit?: number, after?: StormCursor): Promise<Array<Storm & { readonly cardKey: string }>>;
  clearStormDirty(storm: Storm): Promise<void>;
  /** The storm card's content; `memberLimit` caps the listed members (the counts cover all). */
  stormView(storm: Storm, memberLimit: number): Promise<StormView>;
  /** The storm's latest members first. */
  stormMembers(conversationId: string, rule: string, generation: number, limit: number): Promise<{ total: number; members: StormMember[] }>;

  addSilence(silence: Omit<Silence, 'id'>): Promise<Silence>;
  activeSilences(now: Date): Promise<Silence[]>;
  findSilence(rule: string, target: string, now: Date): Promise<Silence | undefined>;
  /**
   * Ends silence `id` at `at` (ISO) when it is still in force then: its `until` becomes `at`, so
   * activeSilences and findSilence stop returning it from `at` on. Returns the silence as it was
   * before; undefined (changing nothing) when there is no such silence or it was over by `at`.
   * Of two ends at once (two replicas), one gets the silence and the other undefined.
   */
  endSilence(id: number, at: string): Promise<Silence | undefined>;
}
