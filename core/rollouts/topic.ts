import type { EventCards } from '../notifications/broadcaster';
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

export function validateRolloutFilter(filter: string): string | undefined {
  if (filter.length > 100) return 'A rollouts filter is at most 100 characters, e.g. `subscribe rollouts 2.4.1` or `subscribe rollouts site:berlin`.';
  if (!/^[A-Za-z0-9 ._:=+-]*$/.test(filter))
    return 'A rollouts filter holds words of letters, digits, `.`, `:`, `=`, `-`; all must appear in the rollout’s id, version or targets.';
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
