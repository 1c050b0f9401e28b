/**
 * Axis helpers for the Teams charts of log results: short time labels that do not overlap,
 * and a y range whose ticks are round numbers (100 / 200 / 300, not 98.5 / 197 / 295.5).
 */

/** The charts draw four intervals between yMin and yMax. */
const Y_INTERVALS = 4;

/** The smallest round number (1, 2, 2.5 or 5 × 10^k) at or above `value`. */
export function roundStep(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((f) => f * magnitude >= value - 1e-9)!;
  return step * magnitude;
}

/** yMin/yMax so that each of the four ticks lands on a round number. */
export function roundYRange(values: readonly number[]): { yMin: number; yMax: number } {
  const finite = values.filter(Number.isFinite);
  const max = Math.max(0, ...finite);
  const min = Math.min(0, ...finite);
  const step = roundStep((max - min) / Y_INTERVALS || 1);
  const yMin = Math.floor(min / step) * step;
  return { yMin, yMax: yMin + Y_INTERVALS * step >= max ? yMin + Y_INTERVALS * step : Math.ceil(max / step) * step };
}

/**
 * Labels for UTC timestamps on an x axis: `06:30` when all fall on one day, `12-05` for
 * whole days, `12-05 06:30` otherwise. Seconds only when the points need them.
 */
export function timeLabels(isoTimes: readonly string[]): string[] {
  const parsed = isoTimes.map((t) => /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)/.exec(t));
  if (parsed.some((m) => m === null)) return [...isoTimes];
  const parts = parsed.map((m) => ({ day: `${m![2]}-${m![3]}`, date: `${m![1]}-${m![2]}-${m![3]}`, hm: `${m![4]}:${m![5]}`, s: m![6]! }));
  const oneDay = new Set(parts.map((p) => p.date)).size === 1;
  const midnights = parts.every((p) => p.hm === '00:00' && p.s === '00');
  const seconds = parts.some((p) => p.s !== '00');
  return parts.map((p) => {
    const time = seconds ? `${p.hm}:${p.s}` : p.hm;
    if (midnights) return p.day;
    return oneDay ? time : `${p.day} ${time}`;
  });
}
