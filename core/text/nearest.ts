import { editDistance } from './edit-distance';
import { naturalCompare } from './natural-order';

/**
 * The one "did you mean" ranker: command words, KQL names, device ids and filter terms.
 * Case is ignored; a candidate counts when its edit distance to the input is within
 * `maxDistance` (by default a third of the input's length, at least 2). Closest first;
 * ties go to the shorter candidate, then to natural order (device-2 before device-10).
 */
export interface NearestOptions {
  /** At most this many (default: all that qualify). */
  readonly max?: number;
  /** Default: max(2, ⌈input length / 3⌉). */
  readonly maxDistance?: number;
  /** A candidate that starts with the input (2+ characters) ranks right after an exact match: `stat` → `status`. */
  readonly prefixCounts?: boolean;
  /** Only the candidates at the smallest distance found (`ofline` → `online` or `offline`, not `enabled` too). */
  readonly bestOnly?: boolean;
}

export function rankNearest(input: string, candidates: Iterable<string>, options: NearestOptions = {}): string[] {
  const typed = input.toLowerCase();
  const limit = options.maxDistance ?? Math.max(2, Math.ceil(typed.length / 3));
  const scored: Array<{ candidate: string; distance: number }> = [];
  for (const candidate of new Set(candidates)) {
    const lower = candidate.toLowerCase();
    const distance = options.prefixCounts && typed.length >= 2 && lower !== typed && lower.startsWith(typed) ? 0.5 : editDistance(typed, lower);
    if (distance <= limit) scored.push({ candidate, distance });
  }
  scored.sort((a, b) => a.distance - b.distance || a.candidate.length - b.candidate.length || naturalCompare(a.candidate, b.candidate));
  const best = scored[0]?.distance;
  return scored
    .filter((s) => !options.bestOnly || s.distance === best)
    .slice(0, options.max)
    .map((s) => s.candidate);
}
