import { rolloutProgressCard } from '../../cards/rollout-progress';
import { parseWindow } from '../../core/oncall/window';
import { DEFAULT_SETTINGS } from '../../core/rollouts/model';
import { buildView } from '../../core/rollouts/view';
import { expectValidCard } from '../support/cards';
import { sampleRollout } from './rollout-samples';

/** The progress card of a rollout with a window shows it: open until when, or when it next opens. Sunday 2026-03-01. */
const windowOf = (text: string) => {
  const checked = parseWindow(text);
  if (!checked.ok) throw checked.refusal;
  return checked.value;
};
const withWindow = (text: string, state: 'running' | 'paused' | 'completed' = 'running') =>
  sampleRollout({ state, settings: { ...DEFAULT_SETTINGS, window: windowOf(text) } });
const factsOf = (card: unknown) => JSON.stringify(card);

test('inside the window: open until its end', () => {
  const card = rolloutProgressCard(buildView(withWindow('Sun 10:00-11:00 UTC'), [], [], new Date('2026-03-01T10:30:00Z')));
  expectValidCard(card);
  expect(factsOf(card)).toContain('"title":"Window","value":"Sun 10:00-11:00 UTC weekly · open until 2026-03-01 11:00 UTC"');
});

test('outside it (paused by its end): when the next window opens', () => {
  const card = rolloutProgressCard(buildView(withWindow('Sun 10:00-11:00 UTC', 'paused'), [], [], new Date('2026-03-01T11:30:00Z')));
  expect(factsOf(card)).toContain('"title":"Window","value":"Sun 10:00-11:00 UTC weekly · next opens 2026-03-08 10:00 UTC"');
});

test('a finished rollout and one without a window show none', () => {
  expect(factsOf(rolloutProgressCard(buildView(withWindow('Sun 10:00-11:00 UTC', 'completed'), [], [], new Date())))).not.toContain('"Window"');
  expect(factsOf(rolloutProgressCard(buildView(sampleRollout(), [], [], new Date())))).not.toContain('"Window"');
});
