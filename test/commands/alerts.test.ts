import { ALERT_VERBS } from '../../cards/alert';
import { ALERT_ACTIONS, ALERT_COMMANDS, type AlertServices } from '../../commands/alerts';
import { bindAction, bindCommand } from '../../bot/features/feature';
import { dispatchCardAction, dispatchMessage } from '../../commands/dispatch';
import { CommandRegistry } from '../../commands/registry';
import type { Services } from '../../commands/services';
import { AccessPolicy } from '../../core/access/policy';
import type { Role } from '../../core/access/roles';
import { readConfig } from '../../core/config/config';
import { AlertStateError } from '../../core/ports/alerts';
import { devicePayload } from '../core/alerts/fixtures';
import { alertsWorld } from '../core/alerts/world';
import { action, actions, cardIn, facts, texts } from '../support/card-reading';
import { MemoryAudit } from '../support/memory-audit';
import { recordingTurn } from '../support/turn';

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
  const config = readConfig({});
  const audit = new MemoryAudit();
  // The commands bound to the alerts feature's services, as the composition root binds them.
  const bound: AlertServices = { alerts: w.service, clock: w.clock };
  const services: Services = {
    config,
    clock: w.clock,
    access: new AccessPolicy(config.roles),
    registry: new CommandRegistry(
      ALERT_COMMANDS.map((c) => bindCommand(c, bound)),
      ALERT_ACTIONS.map((a) => bindAction(a, bound)),
    ),
    conversations: { upsert: async () => undefined, get: async () => undefined, list: async () => [], remove: async () => undefined },
    subscriptions: w.subscriptions,
    notifier: w.notifier,
    audit,
    delivery: { pendingCount: async () => 0, deadLetters: async () => [] },
    selfUrl: 'http://127.0.0.1:3978',
  };
  const say = async (who: keyof typeof PEOPLE, text: string): Promise<unknown[]> => {
    const replies: unknown[] = [];
    await dispatchMessage(recordingTurn(services, PEOPLE[who], replies), text);
    return replies;
  };
  const click = (who: keyof typeof PEOPLE, verb: string, data: Record<string, unknown>) =>
    dispatchCardAction(recordingTurn(services, PEOPLE[who], []), verb, data);
  return { ...w, audit, say, click };
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
    expect(w.stateClient.calls).toEqual([expect.objectContaining({ alertId: 'a1', newState: 'Acknowledged' })]);

    const again = await w.click('operator', ALERT_VERBS.acknowledge, { id: 'a1' });
    expect(again).toEqual({
      message: 'This alert was already acknowledged by Olga Operator at 2026-01-01 00:01 UTC.',
      refused: 'alert_already_acknowledged',
    });
    expect(w.audit.entries.map((e) => [e.action, e.outcome, e.code])).toEqual([
      [ALERT_VERBS.acknowledge, 'ok', undefined],
      [ALERT_VERBS.acknowledge, 'refused', 'alert_already_acknowledged'],
    ]);
  });

  it('close, then close again; a viewer may not', async () => {
    const w = await world();
    expect(await w.click('viewer', ALERT_VERBS.close, { id: 'a2' })).toEqual({ message: expect.stringMatching(/needs the operator role; you are a viewer/) });
    const closed = cardIn((await w.click('operator', ALERT_VERBS.close, { id: 'a2' })).card);
    expect(facts(closed).Closed).toBe('by Olga Operator, 2026-01-01 00:01 UTC');
    expect((await w.click('operator', ALERT_VERBS.close, { id: 'a2' })).message).toBe(
      'This alert was already closed by Olga Operator at 2026-01-01 00:01 UTC.',
    );
    expect(w.audit.entries.map((e) => e.outcome)).toEqual(['denied', 'ok', 'refused']);
  });

  it('when Azure Monitor says no, the alert is unchanged and the clicker is told what to do', async () => {
    const w = await world();
    w.stateClient.failWith = new AlertStateError('403 Forbidden');
    expect(await w.click('operator', ALERT_VERBS.acknowledge, { id: 'a1' })).toEqual({
      message: 'Azure Monitor did not accept the change (403 Forbidden); the alert is unchanged. Try again, or change it in the Azure portal.',
      refused: 'alert_source_refused',
    });
    expect((await w.service.get('a1'))!.state).toBe('New');
  });

  it('a click naming an alert that is gone, or bad button data', async () => {
    const w = await world();
    expect(await w.click('operator', ALERT_VERBS.close, { id: 'a9' })).toEqual({
      message: 'There is no alert `a9`. `alerts` lists the open ones.',
      refused: 'alert_not_found',
    });
    expect((await w.click('operator', ALERT_VERBS.silence, { id: 'a1', hours: 5 })).message).toMatch(/silences last 1, 4, 24 hours/);
    expect((await w.click('viewer', ALERT_VERBS.list, { rule: 'Temperature high', generation: 1 })).message).toBe(
      'That storm has no alerts in this conversation any more.',
    );
  });
});
