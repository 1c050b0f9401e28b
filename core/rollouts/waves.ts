import { Refusal, type RefusalCode, type RefusalFacts } from '../refusal';

export const MAX_WAVES = 10;

type WavesParse = { ok: true; waves: number[] } | { ok: false; refusal: Refusal };
const refused = <C extends RefusalCode>(code: C, facts: RefusalFacts[C]): WavesParse => ({ ok: false, refusal: new Refusal(code, facts) });

/** `1,10,50,100` → [1, 10, 50, 100], or the refusal saying why it is not a usable wave plan. */
export function parseWaves(text: string): WavesParse {
  const parts = text.split(/[,\s]+/).filter(Boolean);
  if (parts.length === 0) return refused('waves_missing', { text });
  if (parts.length > MAX_WAVES) return refused('waves_too_many', { count: parts.length, max: MAX_WAVES });
  const waves: number[] = [];
  for (const part of parts) {
    const value = Number(part.replace(/%$/, ''));
    if (!Number.isFinite(value) || value <= 0 || value > 100) return refused('wave_not_a_percentage', { part });
    if (waves.length > 0 && value <= waves[waves.length - 1]!) return refused('waves_not_growing', { part, previous: waves[waves.length - 1]! });
    waves.push(value);
  }
  if (waves[waves.length - 1] !== 100) return refused('waves_not_ending_at_100', { text: text.trim() });
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
