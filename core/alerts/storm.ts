/**
 * Storms: when more than `threshold` alerts reach one conversation within `windowMs`,
 * further alerts join one summary card per rule instead of getting cards of their own.
 */
export interface StormPolicy {
  /** K: this many cards in the window are fine; the next one starts a storm. */
  readonly threshold: number;
  /** W, in ms. */
  readonly windowMs: number;
}

export const DEFAULT_STORM_POLICY: StormPolicy = { threshold: 5, windowMs: 60_000 };

/** `recentDeliveries`: alerts delivered to the conversation within the window, not counting the new one. */
export function joinsStorm(recentDeliveries: number, policy: StormPolicy): boolean {
  return recentDeliveries + 1 > policy.threshold;
}

/** One storm card: a rule's alerts in one conversation during one storm. */
export interface Storm {
  readonly conversationId: string;
  readonly rule: string;
  /** 1 for the rule's first storm in the conversation, then 2, 3, ... */
  readonly generation: number;
  /** ms epoch. */
  readonly startedAt: number;
  readonly lastAt: number;
}

/** A storm still collects alerts while its last one is younger than the window; after that a new storm (and card) begins. */
export function stormIsCurrent(storm: Storm, now: number, policy: StormPolicy): boolean {
  return storm.lastAt > now - policy.windowMs;
}

/** The notifier key of a storm card; the first storm keeps the plain key, later ones are numbered. */
export function stormCardKey(conversationId: string, rule: string, generation: number): string {
  return generation <= 1 ? `storm:${conversationId}:${rule}` : `storm:${conversationId}:${rule}:${generation}`;
}

export const alertCardKey = (alertId: string): string => `alert:${alertId}`;

/** What a storm card shows. Lists are capped by the caller so the card stays small whatever the storm's size. */
export interface StormView {
  readonly storm: Storm;
  readonly total: number;
  readonly firing: number;
  readonly resolved: number;
  /** The worst severity among the members. */
  readonly severity: number;
  readonly firstFiredAt: string;
  readonly lastFiredAt: string;
  readonly topSites: ReadonlyArray<{ readonly site: string; readonly count: number }>;
  /** The most recent members, at most the cap. */
  readonly members: ReadonlyArray<StormMember>;
}

export interface StormMember {
  readonly alertId: string;
  readonly target: string;
  readonly severity: number;
  readonly site?: string;
  readonly monitorCondition: 'Fired' | 'Resolved';
  readonly state: string;
  readonly firedAt: string;
  readonly resolvedAt?: string;
}
