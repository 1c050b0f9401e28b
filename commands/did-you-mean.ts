import { editDistance } from '../core/text/edit-distance';

/** The candidates within a sensible distance of `word`, closest first. */
export function closest(word: string, candidates: readonly string[], max: number): string[] {
  const limit = Math.max(2, Math.floor(word.length / 3));
  return candidates
    .map((candidate) => ({ candidate, distance: candidate.startsWith(word) && word.length >= 2 ? 0.5 : editDistance(word, candidate) }))
    .filter((c) => c.distance <= limit)
    .sort((x, y) => x.distance - y.distance || x.candidate.localeCompare(y.candidate))
    .slice(0, max)
    .map((c) => c.candidate);
}
