import { ROLLOUT_VERBS } from '../../cards/rollout-format';
import { rolloutGateAlertCard, rolloutProgressCard } from '../../cards/rollout-progress';
import { ROLES } from '../../core/access/roles';
import { judgeWave } from '../../core/rollouts/gates';
import { ROLLOUT_STATES } from '../../core/rollouts/model';
import { ROLLOUT_TRANSITIONS, verbsFrom, type RolloutVerb } from '../../core/rollouts/transitions';
import { buildView } from '../../core/rollouts/view';
import type { RolloutDevice } from '../../core/rollouts/model';
import { actions, cardIn, type CardAction } from '../support/card-reading';
import { expectValidCard } from '../support/cards';
import { sampleRollout } from './rollout-samples';

const NOW = new Date('2026-03-01T10:30:00Z');
const failing: RolloutDevice = {
  rolloutId: 'R7',
  deviceId: 'device-1',
  wave: 2,
  seq: 1,
  state: 'failed',
  attempt: 1,
  since: 0,
  pendingWrite: false,
};
/** Failures in wave 2: every verb that needs something to act on has it. */
const counts = [
  { wave: 1, counts: { succeeded: 995, failed: 5 } },
  { wave: 2, counts: { succeeded: 4000, queued: 4990, failed: 10 } },
];

const verbOf = (a: CardAction): RolloutVerb => {
  const verb = a.type === 'Action.ShowCard' ? a.card?.actions?.[0]?.verb : a.verb;
  const found = (Object.keys(ROLLOUT_TRANSITIONS) as RolloutVerb[]).find((v) => ROLLOUT_VERBS[v] === verb);
  if (!found) throw new Error(`button ${a.title} has no transition verb (${verb})`);
  return found;
};

/** The button that sends the verb (the Exclude inside the picker for exclude). */
const sender = (a: CardAction): CardAction => (a.type === 'Action.ShowCard' ? a.card!.actions![0]! : a);

const cases = ROLLOUT_STATES.flatMap((state) => [undefined, ...ROLES].map((role) => [state, role ?? 'the shared card'] as const));

describe('progress card buttons come from the transition table', () => {
  it.each(cases)('%s, seen by %s: one button per verb the state allows that role, styled as the table says', (state, who) => {
    const role = who === 'the shared card' ? undefined : who;
    const view = buildView(sampleRollout({ state, currentWave: state === 'planned' ? 0 : 2 }), counts, [failing], NOW);
    const card = cardIn(rolloutProgressCard(view, { audience: role }));
    const buttons = actions(card);
    expect(buttons.map(verbOf)).toEqual(verbsFrom(state, role));
    for (const button of buttons) {
      const spec = ROLLOUT_TRANSITIONS[verbOf(button)];
      expect(sender(button).style).toBe(spec.destructive ? 'destructive' : spec.positive ? 'positive' : undefined);
      expect(sender(button).data).toMatchObject({ id: 'R7', version: 4 });
    }
    if (buttons.length > 0) expectValidCard(card);
  });

  it('a verb that needs failures shows no button while nothing failed', () => {
    const view = buildView(sampleRollout({ state: 'paused' }), [{ wave: 1, counts: { succeeded: 1000 } }], [], NOW);
    expect(actions(cardIn(rolloutProgressCard(view))).map(verbOf)).toEqual(verbsFrom('paused').filter((v) => !ROLLOUT_TRANSITIONS[v].needsFailures));
  });

  it('the gate alert offers what a paused rollout allows, and nothing once it moved on', () => {
    const paused = buildView(sampleRollout({ state: 'paused' }), counts, [failing], NOW);
    const gate = judgeWave({ succeeded: 400, failed: 10 }, paused.rollout.settings.gates);
    const alert = cardIn(rolloutGateAlertCard({ view: paused, wave: 2, gate, failing: [failing] }));
    expect(actions(alert).map(verbOf)).toEqual(verbsFrom('paused'));
    const running = buildView(sampleRollout({ state: 'running' }), counts, [failing], NOW);
    expect(actions(cardIn(rolloutGateAlertCard({ view: running, wave: 2, gate, failing: [failing] })))).toEqual([]);
  });
});
