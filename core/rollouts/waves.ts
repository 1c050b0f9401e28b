/** `1,10,50,100` → [1, 10, 50, 100], or the reason it is not a usable wave plan. */
export function parseWaves(text: string): { ok: true; waves: number[] } | { ok: false; error: string } {
  const parts = text.split(/[,\s]+/).filter(Boolean);
  if (parts.length === 0) return { ok: false, error: 'Give the waves as cumulative percentages, e.g. `waves 1,10,50,100`.' };
  if (parts.length > 10) return { ok: false, error: `${parts.length} waves is too many; use at most 10, e.g. \`waves 1,10,50,100\`.` };
  const waves: number[] = [];
  for (const part of parts) {
    const value = Number(part.replace(/%$/, ''));
    if (!Number.isFinite(value) || value <= 0 || value > 100)
      return { ok: false, error: `\`${part}\` is not a percentage between 0 and 100 (waves are cumulative, e.g. \`1,10,50,100\`).` };
    if (waves.length > 0 && value <= waves[waves.length - 1]!)
      return { ok: false, error: `Waves are cumulative and must grow: \`${part}\` comes after ${waves[waves.length - 1]}.` };
    waves.push(value);
  }
  if (waves[waves.length - 1] !== 100)
    return { ok: false, error: `The last wave must be 100 so every target is covered; add \`,100\` (you wrote \`${text.trim()}\`).` };
  return { ok: true, waves };
}

/**
 * Wave sizes for `n` eligible devices: wave i covers up to ceil(pct_i % of n), at least one
 * device more than the previous wave while devices remain; empty trailing waves are dropped.
 */
export function waveSizes(n: number, waves: readonly number[]): number[] {
  const sizes: number[] = [];
  let covered = 0;
  for (const pct of waves) {
    if (covered >= n) break;
    const end = Math.min(n, Math.max(covered + 1, Math.ceil((pct * n) / 100)));
    sizes.push(end - covered);
    covered = end;
  }
  return sizes;
}
