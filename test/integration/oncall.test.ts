import { createAlertsFeatureModule } from '../../bot/features/alerts';
import { createOnCallFeatureModule } from '../../bot/features/oncall';
import { ManualClock } from '../../core/clock';
import { devicePayload } from '../core/alerts/fixtures';
import { startTestBot, USERS, type TestBot } from '../support/bot-harness';
import { RecordingConnector, type RecordedActivity } from '../support/recording-connector';

/**
 * Paging over the Bot Framework protocol, on a fake clock: the alert fires, its card reaches
 * the channel bound to the rotation, the primary (Otto) gets a personal page after 5 min,
 * the secondary (Rita) 5 min later; Rita acknowledges and nobody else is paged.
 */
const TOKEN = 'integration-token';
const MIN = 60_000;
const ALERT = '/subscriptions/s/providers/Microsoft.AlertsManagement/alerts/page-1';
jest.setTimeout(60_000);

function world(clock: ManualClock) {
  const ticks: Array<() => void> = [];
  const features = [
    createAlertsFeatureModule({ schedule: () => () => undefined }),
    createOnCallFeatureModule({
      schedule: (_ms, tick) => {
        ticks.push(tick);
        return () => undefined;
      },
    }),
  ];
  return { start: { features, clock }, tick: () => ticks.at(-1)!() };
}

const PERSONAL = { op: 'a:personal-otto', lead: 'a:personal-rita' };
const creates = (t: TestBot, conversationId: string): RecordedActivity[] =>
  t.connector.activities.filter((a) => a.kind === 'create' && a.conversationId === conversationId);

async function until(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const inChannel = (t: TestBot, kind: 'create' | 'update', text: string): RecordedActivity[] =>
  t.connector.activities.filter((a) => a.kind === kind && a.conversationId === t.conversationId('channel') && JSON.stringify(a.activity).includes(text));

async function setUp(t: TestBot, clock: ManualClock, extra = ''): Promise<void> {
  expect(
    (
      await t.sayAndWait(`oncall rotation add ops daily 00:00 UTC members:aad-op,aad-lead ack:5 start:${clock.now().toISOString().slice(0, 10)}${extra}`, {
        user: USERS.admin,
      })
    ).activity.text,
  ).toContain('Rotation **ops** saved');
  // Each has spoken to the bot in a personal chat: that is where their pages go.
  await t.sayAndWait('oncall me', { user: USERS.operator, conversationId: PERSONAL.op });
  await t.sayAndWait('oncall me', { user: USERS.releaseLead, conversationId: PERSONAL.lead });
  expect((await t.sayAndWait('subscribe alerts oncall:ops', { user: USERS.operator, conversation: 'channel' })).activity.text).toMatch(/Subscribed/);
  const payload = devicePayload({ alertId: ALERT, deviceId: 'device-42', severity: 1, firedAt: clock.now().toISOString() });
  expect((await t.post(`/api/alerts?token=${TOKEN}`, payload)).status).toBe(200);
  await until(() => creates(t, t.conversationId('channel')).some((a) => JSON.stringify(a.activity).includes('Temperature high')), 'the channel card');
  await until(async () => (await t.bot.provided('oncall')!.oncall.escalations.get(ALERT)) !== undefined, 'the escalation to start');
  // The alert card itself @mentions the primary, in its first post: a real mention entity (Teams notifies them).
  await until(() => inChannel(t, 'create', '"mentioned":{"id":"aad-op"').length > 0, 'the mention');
  const [card] = inChannel(t, 'create', 'Temperature high');
  expect(inChannel(t, 'create', 'Temperature high')).toHaveLength(1);
  expect(JSON.stringify(card!.activity)).toContain('<at>aad-op</at>, you are on call for **ops**');
  expect(JSON.stringify(card!.activity)).toContain('"verb":"alert.acknowledge"');
  expect(JSON.stringify(card!.activity)).toContain('"verb":"oncall.escalate"');
}

test('fire → channel card → primary paged after N min → secondary → secondary acknowledges → no more pages; the timeline shows each step', async () => {
  const clock = new ManualClock(new Date());
  const { start, tick } = world(clock);
  const t = await startTestBot({ env: { ALERTS_WEBHOOK_TOKEN: TOKEN }, start });
  try {
    await setUp(t, clock);
    clock.advance(4 * MIN);
    tick();
    clock.advance(1 * MIN);
    tick();
    await until(() => creates(t, PERSONAL.op).some((a) => JSON.stringify(a.activity).includes('Temperature high')), 'the primary’s page');
    expect(creates(t, PERSONAL.lead).filter((a) => a.activity.attachments)).toHaveLength(0);
    // The personal page is the alert card with the same actions, saying why it came.
    const page = JSON.stringify(creates(t, PERSONAL.op).find((a) => a.activity.attachments)!.activity);
    expect(page).toContain('Paged to you: it is unacknowledged and you are on call.');
    for (const verb of ['alert.acknowledge', 'oncall.note', 'oncall.escalate', 'oncall.reassign']) expect(page).toContain(`"verb":"${verb}"`);

    clock.advance(5 * MIN);
    tick();
    await until(() => creates(t, PERSONAL.lead).some((a) => JSON.stringify(a.activity).includes('Temperature high')), 'the secondary’s page');

    // Notes from the mention card's inline input and from chat; the card answers with the latest three and the count.
    const viewerNote = await t.click('oncall.note', { id: ALERT, note: 'looking' }, { user: USERS.viewer, conversation: 'channel' });
    expect(JSON.stringify(viewerNote)).toMatch(/operator role/);
    for (const note of ['fan stuck', 'gateway rebooted', 'temperature falling'])
      await t.click('oncall.note', { id: ALERT, note }, { user: USERS.operator, conversation: 'channel' });
    expect((await t.sayAndWait('alert note page-1 all clear soon', { user: USERS.operator, conversation: 'channel' })).activity.text).toContain('Note added');
    const noted = JSON.stringify(await t.click('oncall.note', { id: ALERT, note: 'last one' }, { user: USERS.operator, conversation: 'channel' }));
    expect(noted).toContain('Notes (5)');
    expect(noted).toContain('last one');
    expect(noted).not.toContain('fan stuck');

    // Per-person cards: a viewer's copy has no buttons; the paged person's says so.
    const viewerCopy = JSON.stringify(await t.click('oncall.refresh', { id: ALERT }, { user: USERS.viewer, conversation: 'channel' }));
    expect(viewerCopy).not.toContain('"verb":"oncall.escalate"');
    expect(viewerCopy).not.toContain('You are on call');
    const leadCopy = JSON.stringify(await t.click('oncall.refresh', { id: ALERT }, { user: USERS.releaseLead, conversation: 'channel' }));
    expect(leadCopy).toContain('You are on call for this alert.');
    expect(leadCopy).toContain('"verb":"oncall.escalate"');
    expect(leadCopy).toContain('8:orgid:aad-op');

    const ack = await t.click('alert.acknowledge', { id: ALERT }, { user: USERS.releaseLead, conversation: 'personal' });
    expect(JSON.stringify(ack)).toContain('by Rita Lead');
    clock.advance(30 * MIN);
    tick();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const pages = [...creates(t, PERSONAL.op), ...creates(t, PERSONAL.lead)].filter((a) => a.activity.attachments);
    expect(pages).toHaveLength(2);
    // Escalate after the acknowledgement: refused with its code, worded by dispatch, audited as refused.
    const late = await t.click('oncall.escalate', { id: ALERT }, { user: USERS.operator, conversation: 'channel' });
    expect(JSON.stringify(late)).toContain(
      'This alert is not being paged (it was acknowledged, closed or resolved, or never bound to a rotation), so nothing changed.',
    );
    const refusedClick = async () => (await t.bot.services.audit.latest(100)).find((a) => a.action === 'oncall.escalate' && a.actorName === 'Otto Operator');
    await until(async () => (await refusedClick()) !== undefined, 'the refused click in the audit');
    expect(await refusedClick()).toMatchObject({ outcome: 'refused', code: 'escalation_not_active' });

    const timeline = await t.sayAndWait('alert page-1', { user: USERS.viewer });
    // Each step carries its time and its actor.
    for (const line of String(timeline.activity.text)
      .split('\n')
      .filter((l: string) => l.startsWith('- ')))
      expect(line).toMatch(/^- \d{4}-\d\d-\d\d \d\d:\d\d UTC \*\*[a-z]+\*\* by \S/);
    for (const step of [
      '**fired**',
      '**posted** by FleetOps',
      '**mentioned** by FleetOps: aad-op (primary of ops)',
      '**paged** by FleetOps: aad-op (primary)',
      '**escalated** by FleetOps: aad-lead (secondary)',
      '**acknowledged** by Rita Lead',
      '**note** by Otto Operator: fan stuck',
      '**note** by Otto Operator: all clear soon',
    ]) {
      expect(timeline.activity.text).toContain(step);
    }
  } finally {
    await t.stop();
  }
});

test('Reassign… from the card pages the chosen person now; someone FleetOps cannot reach is said on the channel card and paging goes on; all of it audited', async () => {
  const clock = new ManualClock(new Date());
  const { start, tick } = world(clock);
  const t = await startTestBot({ env: { ALERTS_WEBHOOK_TOKEN: TOKEN }, start });
  try {
    // The escalation target (aad-nobody) never spoke to the bot one to one: no personal message can reach her.
    await setUp(t, clock, ' escalate:aad-nobody');
    const denied = await t.click('oncall.reassign', { id: ALERT, member: 'aad-nobody' }, { user: USERS.viewer, conversation: 'channel' });
    expect(JSON.stringify(denied)).toMatch(/operator role/);
    const reassigned = await t.click('oncall.reassign', { id: ALERT, member: 'aad-nobody' }, { user: USERS.operator, conversation: 'channel' });
    // The answer is the clicker's card as it is now: who has been paged, and that they could not be reached.
    expect(JSON.stringify(reassigned)).toContain('Paged: aad-nobody (primary).');
    expect(JSON.stringify(reassigned)).toContain('Could not reach aad-nobody directly');
    // No separate message: the channel's alert card is updated to say so.
    await until(() => inChannel(t, 'update', 'Could not reach aad-nobody directly: FleetOps is not installed for them.').length > 0, 'the note on the card');
    expect(inChannel(t, 'create', 'Could not reach')).toHaveLength(0);
    // And paging goes on: five minutes later the primary is paged.
    clock.advance(5 * MIN);
    tick();
    await until(() => creates(t, PERSONAL.op).some((a) => JSON.stringify(a.activity).includes('Temperature high')), 'the next page');

    const timeline = String((await t.sayAndWait('alert page-1', { user: USERS.viewer })).activity.text);
    expect(timeline).toContain('**reassigned** by Otto Operator: to aad-nobody');
    expect(timeline).toContain('**unreachable** by FleetOps: aad-nobody (primary)');

    // Schedule changes are audited under the name of whoever made them.
    expect((await t.sayAndWait('oncall override ops me 1h', { user: USERS.operator })).activity.text).toMatch(/override/i);
    expect((await t.sayAndWait('silence schedule site:paris daily 02:00-03:00 UTC', { user: USERS.operator })).activity.text).toMatch(/window/i);
    const audit = (await t.bot.services.audit.latest(100)).map((a) => `${a.actorName} ${a.action} ${a.outcome}`);
    for (const entry of [
      'Ada Admin oncall rotation ok',
      'FleetOps oncall.mention ok',
      'Vera Viewer oncall.reassign denied',
      'Otto Operator oncall.reassign ok',
      'FleetOps oncall.unreachable ok',
      'FleetOps oncall.escalate ok',
      'Otto Operator oncall override ok',
      'Otto Operator silence schedule ok',
    ])
      expect(audit).toContain(entry);
  } finally {
    await t.stop();
  }
});

test('a restart in the middle of an escalation neither skips nor repeats a page', async () => {
  const clock = new ManualClock(new Date());
  const connector = await new RecordingConnector().start();
  const first = world(clock);
  const t = await startTestBot({ env: { ALERTS_WEBHOOK_TOKEN: TOKEN }, start: first.start, connector });
  let again: TestBot | undefined;
  try {
    await setUp(t, clock);
    clock.advance(5 * MIN);
    first.tick();
    await until(() => creates(t, PERSONAL.op).length === 2, 'the primary’s page');
    await t.stop();

    const second = world(clock);
    again = await startTestBot({ env: { ALERTS_WEBHOOK_TOKEN: TOKEN }, start: second.start, connector, dataDir: t.dataDir });
    second.tick();
    clock.advance(5 * MIN);
    second.tick();
    await until(() => creates(again!, PERSONAL.lead).length === 2, 'the secondary’s page');
    clock.advance(1 * MIN);
    second.tick();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // One reply to `oncall me` and one page in each personal chat: nothing skipped, nothing twice.
    expect(creates(again, PERSONAL.op)).toHaveLength(2);
    expect(creates(again, PERSONAL.lead)).toHaveLength(2);
    // The timeline and the audit agree: one page, one escalation, one mention.
    const kinds = (await again.bot.provided('oncall')!.oncall.timeline.list(ALERT)).map((e) => e.kind);
    expect(kinds.filter((k) => k === 'mentioned' || k === 'paged' || k === 'escalated')).toEqual(['mentioned', 'paged', 'escalated']);
    const audited = (await again.bot.services.audit.latest(100)).filter((a) => a.action.startsWith('oncall.')).map((a) => a.action);
    expect(audited.sort()).toEqual(['oncall.escalate', 'oncall.mention', 'oncall.page']);
  } finally {
    await again?.stop();
    await connector.stop();
  }
});

test('inside a maintenance window an alert is stored and listed, but gets no card and pages nobody; still firing at its end, it is posted then', async () => {
  // Five past the current hour: the window below ends at the next full hour, and the test moves 10 min inside it.
  const clock = new ManualClock(new Date(Math.floor(Date.now() / (60 * MIN)) * 60 * MIN + 5 * MIN));
  const { start, tick } = world(clock);
  const t = await startTestBot({ env: { ALERTS_WEBHOOK_TOKEN: TOKEN }, start });
  try {
    const hour = clock.now().getUTCHours();
    const hh = (h: number) => String((h + 24) % 24).padStart(2, '0');
    expect(
      (await t.sayAndWait(`silence schedule site:berlin daily ${hh(hour - 1)}:00-${hh(hour + 1)}:00 UTC`, { user: USERS.operator })).activity.text,
    ).toContain('in progress now');
    await t.sayAndWait(`oncall rotation add ops daily 00:00 UTC members:aad-op ack:5`, { user: USERS.admin });
    await t.sayAndWait('oncall me', { user: USERS.operator, conversationId: PERSONAL.op });
    await t.sayAndWait('subscribe alerts oncall:ops', { user: USERS.operator, conversation: 'channel' });
    const payload = devicePayload({ alertId: ALERT, deviceId: 'device-42', site: 'berlin', severity: 0, firedAt: clock.now().toISOString() });
    expect((await t.post(`/api/alerts?token=${TOKEN}`, payload)).status).toBe(200);
    clock.advance(10 * MIN);
    tick();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(t.connector.activities.filter((a) => a.activity.attachments)).toHaveLength(0);
    expect(JSON.stringify((await t.sayAndWait('alerts', { user: USERS.viewer })).activity)).toContain('Temperature high');
    expect((await t.bot.provided('oncall')!.oncall.timeline.list(ALERT)).map((e) => e.kind)).toEqual(['held']);

    // Still firing when the window ends: the card is posted then, and paging starts.
    clock.advance(2 * 60 * MIN);
    tick();
    await until(
      () => creates(t, t.conversationId('channel')).some((a) => JSON.stringify(a.activity).includes('Temperature high')),
      'the card at the window’s end',
    );
    await until(async () => (await t.bot.provided('oncall')!.oncall.escalations.get(ALERT)) !== undefined, 'paging to start');
    tick();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const audit = (await t.bot.services.audit.latest(100)).map((a) => `${a.actorName} ${a.action} ${a.outcome}`);
    expect(audit).toEqual(expect.arrayContaining(['FleetOps alert.held ok', 'FleetOps alert.released ok']));
    // One card, posted once, and it is the one that @mentions the primary.
    expect(inChannel(t, 'create', 'Temperature high')).toHaveLength(1);
    expect(inChannel(t, 'create', '"mentioned":{"id":"aad-op"')).toHaveLength(1);
  } finally {
    await t.stop();
  }
});
