import { sqliteRolloutRepository } from '../../../backends/store/sqlite/rollouts';
import { Refusal } from '../../../core/refusal';
import { ROLLOUT_STATES, type RolloutState } from '../../../core/rollouts/model';
import { ROLLOUT_TRANSITION_VERBS, ROLLOUT_TRANSITIONS, allows, type RolloutVerb } from '../../../core/rollouts/transitions';
import { FakeFleet } from './fake-fleet';
import { LEAD, makeWorld } from './world';

/** A planned rollout of 20 devices, put straight into `state` (the store takes any patch). */
async function rolloutIn(state: RolloutState) {
  const w = makeWorld(new FakeFleet().add(20));
  const planned = await w.service.plan({ version: '2.4.1', filter: {}, filterText: '', actor: LEAD, waves: [50, 100] });
  const moved = await sqliteRolloutRepository(w.db).transition(planned.rollout.id, planned.rollout.version, {
    state,
    currentWave: state === 'planned' ? 0 : 1,
    lastChange: { by: 'Test', at: '2026-03-01T09:00:00.000Z', what: `made it ${state}` },
  });
  return { w, rollout: moved! };
}

function act(w: ReturnType<typeof makeWorld>, verb: RolloutVerb, id: string, version: number) {
  return verb === 'exclude' ? w.service.actions.exclude(id, 'device-0001', LEAD, version) : w.service.actions.perform(verb, id, version, LEAD);
}

const cases = ROLLOUT_STATES.flatMap((state) => ROLLOUT_TRANSITION_VERBS.map((verb) => [state, verb] as const));

describe('the rollout transition table', () => {
  it('finished rollouts allow nothing; every active one can be aborted and paused or resumed', () => {
    for (const state of ['completed', 'aborted'] as const) expect(ROLLOUT_TRANSITION_VERBS.filter((v) => allows(v, state))).toEqual([]);
    for (const state of ['planned', 'awaiting-approval', 'running', 'paused'] as const) expect(allows('abort', state)).toBe(true);
    expect(allows('pause', 'running') && allows('resume', 'paused')).toBe(true);
  });

  it.each(cases.filter(([state, verb]) => !allows(verb, state)))('core refuses %s → %s with the table’s code, naming the state', async (state, verb) => {
    const { w, rollout } = await rolloutIn(state);
    const error = await act(w, verb, rollout.id, rollout.version).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Refusal);
    expect(error).toMatchObject({ code: ROLLOUT_TRANSITIONS[verb].refusal, facts: { rolloutId: rollout.id, state, lastWhat: `made it ${state}` } });
    expect(await w.service.get(rollout.id)).toMatchObject({ state, version: rollout.version });
  });

  it.each(cases.filter(([state, verb]) => allows(verb, state)))('core lets %s → %s past the state check', async (state, verb) => {
    const { w, rollout } = await rolloutIn(state);
    const result = await act(w, verb, rollout.id, rollout.version).then(
      (done) => done.rollout,
      (e: unknown) => e,
    );
    if (result instanceof Refusal) {
      // Allowed by state, refused by what the devices are doing (nothing failed yet): never the state's code.
      expect(result.code).not.toBe(ROLLOUT_TRANSITIONS[verb].refusal);
      expect(['rollout_nothing_to_retry', 'rollout_device_not_excludable']).toContain(result.code);
    } else {
      const to = ROLLOUT_TRANSITIONS[verb].to;
      expect(result).toMatchObject({ state: to === 'unchanged' ? state : to, version: rollout.version + 1 });
    }
  });

  it('a click naming an older version is refused as stale, whatever the verb', async () => {
    const { w, rollout } = await rolloutIn('running');
    await expect(w.service.actions.perform('pause', rollout.id, rollout.version - 1, LEAD)).rejects.toMatchObject({ code: 'rollout_stale' });
    await expect(w.service.actions.perform('pause', 'R99', undefined, LEAD)).rejects.toMatchObject({ code: 'rollout_not_found', facts: { rolloutId: 'R99' } });
  });
});
