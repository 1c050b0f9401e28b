import { ROLLOUT_VERBS } from '../../cards/rollout-format';
import { ROLLOUT_ACTIONS, ROLLOUT_COMMANDS } from '../../commands/rollouts';
import { ROLLOUT_TRANSITION_VERBS, ROLLOUT_TRANSITIONS, verbsFrom } from '../../core/rollouts/transitions';
import { action, actions, cardIn, facts, texts, textMatching } from '../support/card-reading';
import { rolloutCommandWorld } from './rollout-world';

/** Plans R1 (waves 50,100 over the 20 devices) as the operator; returns the world. */
async function planned() {
  const w = rolloutCommandWorld();
  await w.say('operator', 'rollout plan 2.4.1 waves 50,100');
  return w;
}

const version = async (w: ReturnType<typeof rolloutCommandWorld>) => (await w.rollouts.service.get('R1'))!.version;

describe('rollout commands and buttons', () => {
  it('the specs take their roles from the transition table; every verb has a command or button', () => {
    for (const verb of ROLLOUT_TRANSITION_VERBS) {
      const command = ROLLOUT_COMMANDS.find((c) => c.name === `rollout ${verb}`);
      expect(command?.role).toBe(ROLLOUT_TRANSITIONS[verb].role);
      expect(ROLLOUT_ACTIONS.find((a) => a.verb === ROLLOUT_VERBS[verb])?.role).toBe(ROLLOUT_TRANSITIONS[verb].role);
    }
  });

  it('plan: the plan card, adopted as the rollout’s one card; nothing is written', async () => {
    const w = rolloutCommandWorld();
    const [reply] = await w.say('operator', 'rollout plan 2.4.1 waves 50,100');
    const plan = cardIn(reply);
    expect(texts(plan)[0]).toBe('Rollout plan R1: firmware 2.4.1');
    expect(facts(plan)).toMatchObject({ 'Matching devices': '20', 'To update': '20' });
    expect(action(plan, 'Start R1')).toMatchObject({ verb: ROLLOUT_VERBS.start, data: { id: 'R1', version: 1 } });
    expect(w.notifier.adopted).toEqual([{ conversationId: 'c1', key: 'rollout:R1', activityId: 'r' }]);
    expect(w.rollouts.fleet.writeLog).toHaveLength(0);
    expect(w.audit.entries).toMatchObject([{ action: 'rollout plan', outcome: 'ok' }]);
  });

  it('plan of a version not in the catalog: the refusal’s line, audited with its code', async () => {
    const w = rolloutCommandWorld();
    expect(await w.say('operator', 'rollout plan 9.9.9')).toEqual([
      expect.stringMatching(/^Firmware 9\.9\.9 is not in the catalog; available: .*`firmware` lists every version\.$/),
    ]);
    expect(w.audit.entries).toMatchObject([{ action: 'rollout plan', outcome: 'refused', code: 'firmware_not_in_catalog' }]);
  });

  it('plan to a filter no device can match: what is wrong with it, then the usage; nothing is planned; audited as refused with its code', async () => {
    const w = rolloutCommandWorld();
    const [reply] = await w.say('operator', 'rollout plan 2.4.1 to ring=canary ring:broad waves 50,100');
    expect(String(reply).split('\n\n')[0]).toBe('`ring:broad` contradicts the earlier `ring=canary`: no device can match both, so the filter matches nothing.');
    expect(String(reply)).toContain('Usage: `rollout plan <version> [to <filter>]');
    const [unknown] = await w.say('operator', 'rollout plan 2.4.1 to rign:canary');
    expect(String(unknown).split('\n\n')[0]).toMatch(
      /^I don't know the filter term `rign:canary`\. Did you mean `ring:`\? Filter terms \(combine with spaces\): /,
    );
    const [waves] = await w.say('operator', 'rollout plan 2.4.1 waves 10,50');
    expect(String(waves).split('\n\n')[0]).toBe('The last wave must be 100 so every target is covered; add `,100` (you wrote `10,50`).');
    expect(await w.rollouts.service.list(10)).toEqual([]);
    expect(w.audit.entries.map((e) => [e.action, e.outcome, e.code])).toEqual([
      ['rollout plan', 'refused', 'device_filter_contradiction'],
      ['rollout plan', 'refused', 'device_filter_term_unknown'],
      ['rollout plan', 'refused', 'waves_not_ending_at_100'],
    ]);
  });

  it('start by command: the role comes from the table; the lead starts it and every copy of the card updates', async () => {
    const w = await planned();
    expect(await w.say('operator', 'rollout start R1')).toEqual([expect.stringContaining('`rollout start` needs the **release-lead** role')]);
    expect(await w.say('lead', 'rollout start R1')).toEqual(['Lena Lead started wave 1 of R1 (2.4.1); it is now running wave 1.']);
    const posted = w.notifier.posts.at(-1)!;
    expect(posted).toMatchObject({ conversationId: 'c1', key: 'rollout:R1', message: { summary: 'R1 2.4.1: running wave 1 (0/20 succeeded)' } });
    const card = cardIn(posted.message.card);
    expect(textMatching(card, /^▶ Running/)).toBe('▶ Running wave 1 of 2');
    // The posted card is shared: every button the state allows, whoever sees it.
    expect(actions(card).map((a) => a.title)).toEqual(['Pause', 'Abort and revert…']);
    expect(w.audit.entries.map((e) => [e.action, e.outcome])).toEqual([
      ['rollout plan', 'ok'],
      ['rollout start', 'denied'],
      ['rollout start', 'ok'],
    ]);
  });

  it('a verb the state does not allow: the line says where the rollout is; audited as refused with the table’s code', async () => {
    const w = await planned();
    await w.say('lead', 'rollout start R1');
    expect(await w.say('lead', 'rollout resume R1')).toEqual([
      'Nothing changed: R1 is running wave 1 (last: Lena Lead started wave 1 at 09:00 UTC), so there is nothing to resume.',
    ]);
    expect(w.audit.entries.at(-1)).toMatchObject({ action: 'rollout resume', outcome: 'refused', code: 'rollout_not_resumable', target: 'R1' });
    expect(await w.say('viewer', 'rollout status R9')).toEqual(['There is no rollout R9; `rollouts` lists them.']);
  });

  it('status: the progress card with the buttons the viewer’s role may press', async () => {
    const w = await planned();
    await w.say('lead', 'rollout start R1');
    const asViewer = cardIn((await w.say('viewer', 'rollout status'))[0]);
    expect(textMatching(asViewer, /^Rollout R1/)).toBe('Rollout R1 · firmware 2.4.1');
    expect(facts(asViewer)['Last change']).toMatch(/^Lena Lead started wave 1 · /);
    expect(actions(asViewer)).toEqual([]);
    const asOperator = cardIn((await w.say('operator', 'rollout status R1'))[0]);
    expect(actions(asOperator).map((a) => a.verb)).toEqual(verbsFrom('running', 'operator').map((v) => ROLLOUT_VERBS[v]));
  });

  it('pause button: the current card back; a second click on the same card gets it with who acted first on top', async () => {
    const w = await planned();
    await w.say('lead', 'rollout start R1');
    const v = await version(w);
    const done = await w.click('operator', ROLLOUT_VERBS.pause, { id: 'R1', version: v });
    expect(textMatching(cardIn(done.card), /^⏸ Paused/)).toBe('⏸ Paused at wave 1');
    // The operator's copy: resuming and aborting are the lead's (verbsFrom('paused', 'operator') is empty).
    expect(actions(cardIn(done.card))).toEqual([]);
    const late = await w.click('lead', ROLLOUT_VERBS.pause, { id: 'R1', version: v });
    expect(late.refused).toBe('rollout_stale');
    const card = cardIn(late.card);
    expect(texts(card)[0]).toBe(
      'Nothing changed: someone acted first. Olga Operator paused wave 1 at 09:00 UTC; R1 is now paused. The card shows the current state.',
    );
    expect(actions(card).map((a) => a.title)).toEqual(['Resume', 'Abort and revert…']);
    expect(w.audit.entries.slice(-2)).toMatchObject([
      { action: ROLLOUT_VERBS.pause, outcome: 'ok', actorName: 'Olga Operator' },
      { action: ROLLOUT_VERBS.pause, outcome: 'refused', code: 'rollout_stale', actorName: 'Lena Lead' },
    ]);
  });

  it('abort button: asks first (destructive), then aborts on the confirmation', async () => {
    const w = await planned();
    await w.say('lead', 'rollout start R1');
    const v = await version(w);
    const ask = await w.click('lead', ROLLOUT_VERBS.abort, { id: 'R1', version: v, revert: true });
    const confirm = cardIn(ask.card);
    expect(texts(confirm)[0]).toBe('Abort rollout R1?');
    const yes = action(confirm, 'Abort and revert');
    expect(yes).toMatchObject({ style: 'destructive', data: { id: 'R1', version: v, confirmed: true, revert: true } });
    expect((await w.rollouts.service.get('R1'))!.state).toBe('running');
    const aborted = await w.click('lead', ROLLOUT_VERBS.abort, yes.data!);
    expect(textMatching(cardIn(aborted.card), /Aborted/)).toBe('⏹ Aborted');
    expect(actions(cardIn(aborted.card))).toEqual([]);
  });

  it('a click on a rollout that does not exist gets the line, not a card', async () => {
    const w = rolloutCommandWorld();
    expect(await w.click('lead', ROLLOUT_VERBS.approve, { id: 'R4', version: 1 })).toEqual({
      message: 'There is no rollout R4; `rollouts` lists them.',
      refused: 'rollout_not_found',
    });
  });

  it('exclude by command: once; the second time says the device is no longer a target', async () => {
    const w = await planned();
    await w.say('lead', 'rollout start R1');
    expect(await w.say('lead', 'rollout exclude R1 device-0019')).toEqual([expect.stringMatching(/^Lena Lead excluded device-0019 from R1: /)]);
    expect(await w.say('lead', 'rollout exclude R1 device-0019')).toEqual([
      'device-0019 is not a pending or failed target of R1, so nothing changed; `rollout status R1` shows its devices.',
    ]);
    expect(w.audit.entries.at(-1)).toMatchObject({ outcome: 'refused', code: 'rollout_device_not_excludable' });
  });

  it('rollouts lists them; `rollout <unknown>` names the verbs of the table', async () => {
    const w = await planned();
    expect(await w.say('viewer', 'rollouts')).toEqual([expect.stringContaining('- **R1** firmware 2.4.1 → whole fleet · planned · 0/20 succeeded')]);
    const [help] = await w.say('viewer', 'rollout frobnicate');
    expect(help).toMatch(/^`rollout frobnicate` is not a rollout command\./);
    expect(help).toContain('`rollout start|approve|pause|resume|retry <id>`');
  });
});
