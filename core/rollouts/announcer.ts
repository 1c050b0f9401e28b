import type { RolloutEvent } from './engine';

/** Tells the conversations about a rollout (implemented with cards and the Notifier outside core). */
export interface RolloutAnnouncer {
  /** Posts or updates the rollout's progress card everywhere it is shown. */
  progress(rolloutId: string): Promise<void>;
  /** The on-call alert when a wave breaches its gate. */
  gateBreached(event: Extract<RolloutEvent, { kind: 'gate-breached' }>): Promise<void>;
}

/** The notifier key of a rollout's one card (plan, then progress) in every conversation. */
export const rolloutCardKey = (rolloutId: string): string => `rollout:${rolloutId}`;

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
