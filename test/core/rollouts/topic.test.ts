import { rolloutFilterMatches, validateRolloutFilter } from '../../../core/rollouts/topic';

describe('rollouts subscription filter', () => {
  const refused = (filter: string) => {
    const refusal = validateRolloutFilter(filter);
    return refusal && [refusal.code, refusal.facts];
  };

  it('takes words of letters, digits and . : = + -, up to 100 characters', () => {
    expect(refused('')).toBeUndefined();
    expect(refused('2.4.1 site:berlin ring=canary fw+x')).toBeUndefined();
    expect(refused('x'.repeat(100))).toBeUndefined();
  });

  it('refuses anything else with a code and the facts, not words', () => {
    expect(refused('x'.repeat(101))).toEqual(['rollout_filter_too_long', { length: 101, max: 100 }]);
    expect(refused('site:berlin!')).toEqual(['rollout_filter_character_invalid', { filter: 'site:berlin!' }]);
    expect(refused('`R1`')).toEqual(['rollout_filter_character_invalid', { filter: '`R1`' }]);
  });

  it('matches when every word is in the rollout’s id, version or targets', () => {
    const rollout = { id: 'R7', firmware: { version: '2.4.1' }, filterText: 'site:berlin ring:canary' };
    expect(rolloutFilterMatches('2.4.1 SITE:BERLIN', rollout)).toBe(true);
    expect(rolloutFilterMatches('2.4.1 site:rome', rollout)).toBe(false);
  });
});
