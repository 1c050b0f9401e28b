import { ALERT_VERBS } from '../../cards/alert';
import { ALERT_ACTIONS, ALERT_COMMANDS, type AlertServices } from '../../commands/alerts';
import { bindAction, bindCommand } from '../../bot/features/feature';
import { dispatchCardAction, dispatchMessage } from '../../commands/dispatch';
import { CommandRegistry } from '../../commands/registry';
import type { Role } from '../../core/access/roles';
import { AlertStateError } from '../../core/ports/alerts';
import { devicePayload } from '../core/alerts/fixtures';
import { alertsWorld } from '../core/alerts/world';
import { action, actions, cardIn, facts, notice, texts } from '../support/card-reading';
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

  it('silences: none, then the one a button added', async () => {
    const w = await world();
    expect(await w.say('viewer', 'silences')).toEqual(['No active silences. The **Silence** button on an alert card adds one.']);
    const silenced = await w.click('operator', ALERT_VERBS.silence, { id: 'a1', hours: 4 });
    expect(facts(cardIn(silenced.card))).toMatchObject({ Silenced: expect.stringMatching(/^until 2026-01-01 04:01 UTC by Olga Operator/) });
    const [listed] = await w.say('viewer', 'silences');
    expect(listed).toMatch(
      /^Active silences \(no cards for these until then\):\n\n- \*\*Temperature high\*\* on `.+` until 2026-01-01 04:01 UTC — by Olga Operator$/,
    );
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
