/**
 * percentilew / percentilesw / percentilesw_array: the weighted nearest-rank percentile, each
 * value counted `weight` times (the reference's percentiles page, "weighted percentiles"): the
 * smallest value whose cumulative weight reaches p% of the total weight.
 */
export function weightedPercentiles(pairs: readonly (readonly [number, number])[], percents: readonly number[]): (number | null)[] {
  const sorted = pairs.filter(([v, w]) => Number.isFinite(v) && w > 0).sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((sum, [, w]) => sum + w, 0);
  return percents.map((p) => {
    if (sorted.length === 0 || !Number.isFinite(p)) return null;
    const target = (Math.min(100, Math.max(0, p)) / 100) * total;
    let cumulative = 0;
    for (const [value, weight] of sorted) {
      cumulative += weight;
      if (cumulative >= target) return value;
    }
    return sorted[sorted.length - 1][0];
  });
}
