import { ALERT_VERBS } from '../../cards/alert';
import { ALERT_ACTIONS, ALERT_COMMANDS, endSilenceAction, silenceAction, type AlertServices } from '../../commands/alerts';
import { SILENCE_VERBS } from '../../cards/silences';
import { bindAction, bindCommand } from '../../bot/features/feature';
import { dispatchCardAction, dispatchMessage } from '../../commands/dispatch';
import { CommandRegistry } from '../../commands/registry';
import type { Role } from '../../core/access/roles';
import { AlertStateError } from '../../core/ports/alerts';
import { devicePayload } from '../core/alerts/fixtures';
import { alertsWorld } from '../core/alerts/world';
import { action, actions, bodyActions, cardIn, facts, notice, texts } from '../support/card-reading';
import { recordingTurn } from '../support/turn';
import { commandServices } from './services';

const PEOPLE = {
  viewer: { id: 'u-vic', name: 'Vic Viewer', role: 'viewer' },
  operator: { id: 'u-olga', name: 'Olga Operator', role: 'operator' },
} as const satisfies Record<string, { id: string; name: string; role: Role }>;

/** The alert commands and buttons over the alerts domain in memory, with a1 (device-42) and a2 (device-7, Sev3) firing. */
async function world() {
  const w = alertsWorld();
  await w.ingest(devicePayload({ alertId: 'a1', deviceId: 'device-42', severity: 1 }));
  await w.ingest(devicePayload({ alertId: 'a2', deviceId: 'device-7', severity: 3, rule: 'Battery low' }));
  w.clock.advance(60_000);
  // The commands bound to the alerts feature's services, as the composition root binds them.
  const bound: AlertServices = { alerts: w.service, clock: w.clock };
  const services = commandServices({
    clock: w.clock,
    registry: new CommandRegistry(
      ALERT_COMMANDS.map((c) => bindCommand(c, bound)),
      ALERT_ACTIONS.map((a) => bindAction(a, bound)),
    ),
    subscriptions: w.subscriptions,
    notifier: w.notifier,
  });
  const say = async (who: keyof typeof PEOPLE, text: string): Promise<unknown[]> => {
    const replies: unknown[] = [];
    await dispatchMessage(recordingTurn(services, PEOPLE[who], replies), text);
    return replies;
  };
  const click = (who: keyof typeof PEOPLE, verb: string, data: Record<string, unknown>) =>
    dispatchCardAction(recordingTurn(services, PEOPLE[who], []), verb, data);
  return { ...w, audit: services.audit, say, click };
}

describe('alert commands', () => {
  it('alerts: the open ones, worst first, in a list card; a filter nothing matches says so', async () => {
    const w = await world();
    const list = cardIn((await w.say('viewer', 'alerts'))[0]);
    expect(texts(list)[0]).toBe('Open alerts: 2');
    const rows = texts(list).filter((t) => t.includes(' · device-'));
    expect(rows.map((t) => t.split(' · ')[1])).toEqual(['device-42', 'device-7']);
    expect(await w.say('viewer', 'alerts device-99')).toEqual(['No open alerts match `device-99`.']);
  });

  it('alert <id>: its card with facts and buttons; an unknown id says how to find one', async () => {
    const w = await world();
    const card = cardIn((await w.say('viewer', 'alert a1'))[0]);
    expect(facts(card)).toMatchObject({ Device: 'device-42' });
    expect(action(card, 'Acknowledge')).toMatchObject({ verb: ALERT_VERBS.acknowledge, data: { id: 'a1' }, style: 'positive' });
    expect(action(card, 'Close')).toMatchObject({ verb: ALERT_VERBS.close, data: { id: 'a1' } });
    expect(await w.say('viewer', 'alert nope')).toEqual(['There is no alert `nope`. `alerts` lists the open ones with their ids.']);
    expect(await w.say('viewer', 'alert')).toEqual([expect.stringContaining('Say which alert')]);
  });

  it('silences: a card saying there are none, then the one a button added, with its End silence button', async () => {
    const w = await world();
    const none = cardIn((await w.say('viewer', 'silences'))[0]);
    expect(texts(none)).toEqual(['Active alert silences', 'No active silences. The **Silence…** button on an alert card adds one.']);
    expect(bodyActions(none)).toEqual([]);
    const silenced = await w.click('operator', ALERT_VERBS.silence, { id: 'a1', hours: 4 });
    expect(facts(cardIn(silenced.card))).toMatchObject({ Silenced: expect.stringMatching(/^until 2026-01-01 04:01 UTC by Olga Operator/) });
    const [silence] = await w.service.silences();
    const [reply, ...more] = await w.say('viewer', 'silences');
    expect(more).toEqual([]);
    const listed = cardIn(reply);
    expect(texts(listed)).toEqual([
      'Active alert silences',
      'No alert cards for a rule on its target until then; End silence brings them back now.',
      '**Temperature high** on `device-42`',
      'until 2026-01-01 04:01 UTC, by Olga Operator',
    ]);
    expect(bodyActions(listed).map((a) => [a.title, a.verb, a.data?.id])).toEqual([['End silence', SILENCE_VERBS.end, String(silence!.id)]]);
  });
});

describe('End silence button', () => {
  /** The world with a1's rule silenced on its device for 4 h, and device-7's Battery low for 1 h, by Olga. */
  async function silenced() {
    const w = await world();
    await w.click('operator', ALERT_VERBS.silence, { id: 'a1', hours: 4 });
    await w.click('operator', ALERT_VERBS.silence, { id: 'a2', hours: 1 });
    const [battery, temperature] = await w.service.silences();
    w.audit.entries.splice(0);
    const end = (who: keyof typeof PEOPLE, silence: { id: number }) => w.click(who, SILENCE_VERBS.end, { id: String(silence.id) });
    const rows = (card: ReturnType<typeof cardIn>) => texts(card).filter((t) => t.startsWith('**'));
    return { ...w, battery: battery!, temperature: temperature!, end, rows };
  }

  it('ends that silence now and answers with the updated card, saying on top who ended which; audited; the alert’s card no longer says silenced', async () => {
    const w = await silenced();
    expect(facts(cardIn((await w.say('viewer', 'alert a1'))[0])).Silenced).toMatch(/^until 2026-01-01 04:01 UTC by Olga Operator/);
    w.clock.advance(5 * 60_000);
    const done = await w.end('operator', w.temperature);
    expect(done.noop).toBeUndefined();
    const card = cardIn(done.card);
    expect(texts(card)[0]).toBe('Olga Operator ended the silence of Temperature high on `device-42`: its alerts get cards again.');
    expect(w.rows(card)).toEqual(['**Battery low** on `device-7`']);
    expect(bodyActions(card).map((a) => a.data?.id)).toEqual([String(w.battery.id)]);
    expect(await w.service.silences()).toEqual([w.battery]);
    expect(facts(cardIn((await w.say('viewer', 'alert a1'))[0])).Silenced).toBeUndefined();
    expect(facts(cardIn((await w.say('viewer', 'alert a2'))[0])).Silenced).toMatch(/^until 2026-01-01 01:01 UTC/);
    expect(w.audit.entries).toMatchObject([{ action: SILENCE_VERBS.end, target: String(w.temperature.id), outcome: 'ok', actorName: 'Olga Operator' }]);
  });

  it('needs the role the alert card’s Silence needs: a viewer is denied, audited, and the silence stays', async () => {
    const w = await silenced();
    expect(endSilenceAction.role).toBe(silenceAction.role);
    expect(endSilenceAction.role).toBe('operator');
    expect(await w.end('viewer', w.temperature)).toEqual({ message: expect.stringMatching(/needs the operator role; you are a viewer/) });
    expect(await w.service.silences()).toEqual([w.battery, w.temperature]);
    expect(w.audit.entries).toMatchObject([{ action: SILENCE_VERBS.end, target: String(w.temperature.id), outcome: 'denied', detail: 'needs operator' }]);
  });

  it('a stale click (ended already, expired, or unknown): the card as it is now, nothing else ended, audited as noop', async () => {
    const w = await silenced();
    await w.end('operator', w.temperature);
    const again = await w.end('operator', w.temperature);
    expect(again.noop).toMatch(/^silence \d+ is not in force/);
    expect(texts(cardIn(again.card))[0]).toBe('Active alert silences');
    expect(w.rows(cardIn(again.card))).toEqual(['**Battery low** on `device-7`']);
    // Battery low's hour is over: its button answers the same way.
    w.clock.advance(3_600_000);
    const expired = await w.end('operator', w.battery);
    expect(texts(cardIn(expired.card))).toEqual(['Active alert silences', 'No active silences. The **Silence…** button on an alert card adds one.']);
    expect((await w.end('operator', { id: 9999 })).noop).toMatch(/not in force/);
    expect(w.audit.entries.map((e) => [e.action, e.outcome])).toEqual([
      [SILENCE_VERBS.end, 'ok'],
      [SILENCE_VERBS.end, 'noop'],
      [SILENCE_VERBS.end, 'noop'],
      [SILENCE_VERBS.end, 'noop'],
    ]);
    expect((await w.click('operator', SILENCE_VERBS.end, { id: 'x' })).message).toMatch(/it names no silence/);
    expect((await w.click('operator', SILENCE_VERBS.end, { id: 4 })).message).toMatch(/it names no silence/);
  });
});

describe('alert buttons', () => {
  it('acknowledge: the updated card for the clicker and every copy; a second click is refused, naming who was first', async () => {
    const w = await world();
    const done = await w.click('operator', ALERT_VERBS.acknowledge, { id: 'a1' });
    const card = cardIn(done.card);
    expect(facts(card).Acknowledged).toBe('by Olga Operator, 2026-01-01 00:01 UTC');
    expect(actions(card).map((a) => a.title)).not.toContain('Acknowledge');
    expect(notice(card)).toBeUndefined();
    expect(w.stateClient.calls).toEqual([expect.objectContaining({ alertId: 'a1', newState: 'Acknowledged' })]);

    const again = await w.click('operator', ALERT_VERBS.acknowledge, { id: 'a1' });
    const line = 'This alert was already acknowledged by Olga Operator at 2026-01-01 00:01 UTC.';
    expect(again).toMatchObject({ refused: 'alert_already_acknowledged', noop: line });
    // The clicker's card becomes the alert as it is now, with the line on top.
    const current = cardIn(again.card);
    expect(notice(current)).toBe(line);
    expect(facts(current)).toMatchObject({ Device: 'device-42', Acknowledged: 'by Olga Operator, 2026-01-01 00:01 UTC' });
    expect(actions(current).map((a) => a.title)).not.toContain('Acknowledge');
    expect(action(current, 'Close')).toMatchObject({ verb: ALERT_VERBS.close, data: { id: 'a1' } });
    expect(w.stateClient.calls).toHaveLength(1);
    expect(w.audit.entries.map((e) => [e.action, e.outcome, e.code, e.detail])).toEqual([
      [ALERT_VERBS.acknowledge, 'ok', undefined, undefined],
      [ALERT_VERBS.acknowledge, 'refused', 'alert_already_acknowledged', line],
    ]);
  });

  it('close, then close again: the closed card with the line on top; a viewer may not', async () => {
    const w = await world();
    expect(await w.click('viewer', ALERT_VERBS.close, { id: 'a2' })).toEqual({ message: expect.stringMatching(/needs the operator role; you are a viewer/) });
    const closed = cardIn((await w.click('operator', ALERT_VERBS.close, { id: 'a2' })).card);
    expect(facts(closed).Closed).toBe('by Olga Operator, 2026-01-01 00:01 UTC');
    const again = await w.click('operator', ALERT_VERBS.close, { id: 'a2' });
    expect(again.refused).toBe('alert_already_closed');
    const current = cardIn(again.card);
    expect(notice(current)).toBe('This alert was already closed by Olga Operator at 2026-01-01 00:01 UTC.');
    expect(facts(current)).toMatchObject({ Device: 'device-7', Closed: 'by Olga Operator, 2026-01-01 00:01 UTC' });
    expect(actions(current).map((a) => a.title)).not.toContain('Close');
    expect(w.audit.entries.map((e) => [e.outcome, e.code])).toEqual([
      ['denied', undefined],
      ['ok', undefined],
      ['refused', 'alert_already_closed'],
    ]);
  });

  it('acknowledge on an alert closed meanwhile: the closed card says who closed it', async () => {
    const w = await world();
    await w.service.close('a1', { name: 'Ana' });
    const refused = await w.click('operator', ALERT_VERBS.acknowledge, { id: 'a1' });
    expect(refused.refused).toBe('alert_already_closed');
    const card = cardIn(refused.card);
    expect(notice(card)).toBe('This alert was already closed by Ana at 2026-01-01 00:01 UTC.');
    expect(facts(card).Closed).toBe('by Ana, 2026-01-01 00:01 UTC');
  });

  it('when Azure Monitor says no, the alert is unchanged: its card, buttons and all, with what to do on top', async () => {
    const w = await world();
    w.stateClient.failWith = new AlertStateError('403 Forbidden');
    const refused = await w.click('operator', ALERT_VERBS.acknowledge, { id: 'a1' });
    const line = 'Azure Monitor did not accept the change (403 Forbidden); the alert is unchanged. Try again, or change it in the Azure portal.';
    expect(refused).toMatchObject({ refused: 'alert_source_refused', noop: line });
    const card = cardIn(refused.card);
    expect(notice(card)).toBe(line);
    expect(facts(card).Acknowledged).toBeUndefined();
    expect(action(card, 'Acknowledge')).toMatchObject({ verb: ALERT_VERBS.acknowledge, data: { id: 'a1' } });
    expect((await w.service.get('a1'))!.state).toBe('New');
    expect(w.audit.entries.map((e) => [e.outcome, e.code])).toEqual([['refused', 'alert_source_refused']]);
  });

  it('a click naming an alert that is gone gets the line alone (no card to show), for every button; bad button data', async () => {
    const w = await world();
    const gone = { message: 'There is no alert `a9`. `alerts` lists the open ones with their ids.', refused: 'alert_not_found' };
    expect(await w.click('operator', ALERT_VERBS.acknowledge, { id: 'a9' })).toEqual(gone);
    expect(await w.click('operator', ALERT_VERBS.close, { id: 'a9' })).toEqual(gone);
    expect(await w.click('operator', ALERT_VERBS.silence, { id: 'a9', hours: 4 })).toEqual(gone);
    expect(w.audit.entries.map((e) => [e.outcome, e.code])).toEqual(Array(3).fill(['refused', 'alert_not_found']));
    expect((await w.click('operator', ALERT_VERBS.silence, { id: 'a1', hours: 5 })).message).toMatch(/silences last 1, 4, 24 hours/);
    expect((await w.click('viewer', ALERT_VERBS.list, { rule: 'Temperature high', generation: 1 })).message).toBe(
      'That storm has no alerts in this conversation any more.',
    );
  });
});
