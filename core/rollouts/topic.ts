import type { EventCards } from '../notifications/broadcaster';
import { Refusal } from '../refusal';
import type { RolloutEvent } from './events';

/** The notifier key of a rollout's one card (plan, then progress) in every conversation. */
export const rolloutCardKey = (rolloutId: string): string => `rollout:${rolloutId}`;

/** The key of a gate breach's alert card: one per wave and version, so a second breach is a new message. */
export const rolloutGateAlertKey = (rolloutId: string, wave: number, version: number): string => `rollout-alert:${rolloutId}:${wave}:${version}`;

/** Subscription filter of the `rollouts` topic: words that must all appear in the rollout's id, version or target filter. */
export function rolloutFilterMatches(filter: string, rollout: { id: string; firmware: { version: string }; filterText: string }): boolean {
  const haystack = `${rollout.id} ${rollout.firmware.version} ${rollout.filterText}`.toLowerCase();
  return filter
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => haystack.includes(word));
}

const MAX_FILTER_LENGTH = 100;

/** A `rollouts` subscription filter: undefined when it can be matched, else the refusal saying why not. */
export function validateRolloutFilter(filter: string): Refusal | undefined {
  if (filter.length > MAX_FILTER_LENGTH) return new Refusal('rollout_filter_too_long', { length: filter.length, max: MAX_FILTER_LENGTH });
  if (!/^[A-Za-z0-9 ._:=+-]*$/.test(filter)) return new Refusal('rollout_filter_character_invalid', { filter });
  return undefined;
}

/**
 * Who sees a rollout's events and under which key; the feature adds `render` (cards live
 * outside core). The conversation it was planned in comes first, then the matching
 * `rollouts` subscriptions. A gate breach is its own alert card; every other event updates
 * the rollout's one card.
 */
export const ROLLOUT_TOPIC: Omit<EventCards<RolloutEvent>, 'render'> = {
  topic: 'rollouts',
  matches: (filter, event) => rolloutFilterMatches(filter, event.view.rollout),
  cardKey: (event) =>
    event.type === 'rollout.gate-breached' ? rolloutGateAlertKey(event.rolloutId, event.wave, event.view.rollout.version) : rolloutCardKey(event.rolloutId),
  alsoTo: (event) => (event.view.rollout.conversationId ? [event.view.rollout.conversationId] : []),
};
