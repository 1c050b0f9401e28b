import { startTestBot, USERS } from '../support/bot-harness';
import { bodyActions, cardIn, facts, notice, texts } from '../support/card-reading';
import { cardJson } from '../support/recording-connector';
import { createAlertsFeatureModule } from '../../bot/features/alerts';
import { devicePayload, fixture } from '../core/alerts/fixtures';

const TOKEN = 'integration-token';
jest.setTimeout(30_000);
const alertsOnly = { features: [createAlertsFeatureModule({ schedule: () => () => undefined })] };

test('an alert becomes a card in every subscribed conversation; acknowledge and resolve update each copy in place', async () => {
  const t = await startTestBot({ env: { ALERTS_WEBHOOK_TOKEN: TOKEN }, start: alertsOnly });
  try {
    expect((await t.sayAndWait('subscribe alerts sev<=2', { user: USERS.operator, conversation: 'channel' })).activity.text).toMatch(/Subscribed/);
    expect((await t.sayAndWait('subscribe alerts', { user: USERS.operator, conversation: 'groupChat' })).activity.text).toMatch(/Subscribed/);
    expect((await t.sayAndWait('subscribe alerts sev<=9', { user: USERS.operator, conversation: 'personal' })).activity.text).toMatch(/severities go from 0/);

    const payload = devicePayload({
      alertId: '/subscriptions/s/providers/Microsoft.AlertsManagement/alerts/int-1',
      deviceId: 'device-42',
      severity: 1,
      firedAt: new Date().toISOString(),
    });
    const res = await t.post(`/api/alerts?token=${TOKEN}`, payload);
    expect(res.status).toBe(200);
    await t.connector.waitFor((a) => a.filter((x) => x.kind === 'create' && cardJson(x).includes('Temperature high')).length === 2);
    // Azure retries: no second card.
    expect((await t.post(`/api/alerts?token=${TOKEN}`, payload)).status).toBe(200);

    const viewer = await t.click('alert.acknowledge', { id: '/subscriptions/s/providers/Microsoft.AlertsManagement/alerts/int-1' }, { user: USERS.viewer });
    expect(JSON.stringify(viewer)).toMatch(/operator role/);
    const ack = await t.click('alert.acknowledge', { id: '/subscriptions/s/providers/Microsoft.AlertsManagement/alerts/int-1' }, { user: USERS.operator });
    expect(JSON.stringify(ack)).toContain('by Otto Operator');
    await t.connector.waitFor((a) => a.filter((x) => x.kind === 'update' && cardJson(x).includes('by Otto Operator')).length === 2);
    const again = await t.click('alert.acknowledge', { id: 'int-1' }, { user: USERS.admin });
    // Refused: the clicked card becomes the alert as it is now, with the refusal's line on top.
    const current = cardIn(again.value);
    expect(notice(current)).toMatch(/^This alert was already acknowledged by Otto Operator at /);
    expect(facts(current).Acknowledged).toMatch(/^by Otto Operator, /);

    const resolved = devicePayload({
      alertId: '/subscriptions/s/providers/Microsoft.AlertsManagement/alerts/int-1',
      deviceId: 'device-42',
      severity: 1,
      condition: 'Resolved',
      firedAt: payload.data.essentials.firedDateTime,
      resolvedAt: new Date(Date.now() + 120_000).toISOString(),
    });
    expect((await t.post(`/api/alerts?token=${TOKEN}`, resolved)).status).toBe(200);
    await t.connector.waitFor((a) => a.filter((x) => x.kind === 'update' && cardJson(x).includes('Resolved after 2 min')).length === 2);
    expect(t.connector.activities.filter((a) => a.kind === 'create' && cardJson(a).includes('Temperature high'))).toHaveLength(2);

    const list = await t.sayAndWait('alerts', { user: USERS.viewer, conversation: 'personal' });
    expect(list.activity.text).toMatch(/No open alerts/);
    const one = await t.sayAndWait('alert int-1', { user: USERS.viewer, conversation: 'personal' });
    expect(cardJson(one)).toContain('Resolved after 2 min');
  } finally {
    await t.stop();
  }
});

test('refuses unauthenticated and legacy alerts and stores nothing', async () => {
  const t = await startTestBot({ env: { ALERTS_WEBHOOK_TOKEN: TOKEN }, start: alertsOnly });
  try {
    expect((await t.post('/api/alerts', devicePayload({ alertId: 'x' }))).status).toBe(401);
    expect((await t.post('/api/alerts?token=nope', devicePayload({ alertId: 'x' }))).status).toBe(401);
    const legacy = await t.post(`/api/alerts?token=${TOKEN}`, fixture('legacy-non-common_activityLogs_administrative.json'));
    expect(legacy.status).toBe(400);
    expect(((await legacy.json()) as { error: string }).error).toContain('enable the common alert schema on the action group');
    expect(t.bot.db!.prepare('SELECT COUNT(*) FROM alert_events').pluck().get()).toBe(0);
  } finally {
    await t.stop();
  }
});

test('local mode without ALERTS_WEBHOOK_TOKEN: never accepts unauthenticated alerts', async () => {
  const t = await startTestBot({ start: alertsOnly });
  try {
    expect((await t.post('/api/alerts', devicePayload({ alertId: 'x' }))).status).toBe(401);
    expect((await t.post('/api/alerts?token=', devicePayload({ alertId: 'x' }))).status).toBe(401);
  } finally {
    await t.stop();
  }
});

test('a storm becomes one card per rule; silence and silences work from the card', async () => {
  const t = await startTestBot({ env: { ALERTS_WEBHOOK_TOKEN: TOKEN }, start: alertsOnly });
  try {
    await t.sayAndWait('subscribe alerts', { user: USERS.operator, conversation: 'channel' });
    const now = new Date().toISOString();
    for (let i = 0; i < 30; i++) {
      const rule = i % 2 ? 'Device offline' : 'Temperature high';
      expect(
        (await t.post(`/api/alerts?token=${TOKEN}`, devicePayload({ alertId: `storm-${i}`, rule, deviceId: `device-${i}`, site: 'berlin', firedAt: now })))
          .status,
      ).toBe(200);
    }
    await t.connector.waitFor(
      (a) => a.some((x) => cardJson(x).includes('Device offline: 13 devices')) && a.some((x) => cardJson(x).includes('Temperature high: 12 devices')),
      10_000,
    );
    const creates = t.connector.activities.filter((a) => a.kind === 'create' && a.conversationId === t.conversationId('channel'));
    expect(creates.length).toBe(1 + 5 + 2); // "Subscribed" + 5 alert cards + 2 storm cards

    const list = await t.click('alerts.list', { rule: 'Device offline', generation: 1 }, { user: USERS.viewer, conversation: 'channel' });
    expect(JSON.stringify(list)).toContain('Device offline: 13 alerts in this storm');

    // storm-0's card in the channel, as last sent (created, then updated in place).
    const channelCard = () => t.connector.activities.filter((a) => a.conversationId === t.conversationId('channel') && cardJson(a).includes('storm-0')).at(-1);
    const silenced = await t.click('alert.silence', { id: 'storm-0', hours: 4 }, { user: USERS.operator });
    expect(JSON.stringify(silenced)).toContain('Silenced');
    await t.connector.waitFor(() => cardJson(channelCard()!).includes('Silenced'), 10_000);
    const silences = cardIn((await t.sayAndWait('silences', { user: USERS.viewer, conversation: 'personal' })).activity.attachments?.[0]?.content);
    expect(texts(silences)).toContain('**Temperature high** on `device-0`');
    expect(texts(silences)).toContainEqual(expect.stringMatching(/^until .* UTC, by Otto Operator$/));
    const [endSilence] = bodyActions(silences);
    expect(endSilence).toMatchObject({ type: 'Action.Execute', title: 'End silence', verb: 'silence.end' });

    expect(JSON.stringify(await t.click(endSilence!.verb!, endSilence!.data, { user: USERS.viewer }))).toMatch(/needs the operator role/);
    const ended = cardIn((await t.click(endSilence!.verb!, endSilence!.data, { user: USERS.operator })).value);
    expect(texts(ended)[0]).toBe('Otto Operator ended the silence of Temperature high on `device-0`: its alerts get cards again.');
    expect(texts(ended)).toContain('No active silences. The **Silence…** button on an alert card adds one.');
    // The channel's card of the alert is updated in place: no longer silenced.
    await t.connector.waitFor(() => !cardJson(channelCard()!).includes('Silenced'), 10_000);
    expect(channelCard()!.kind).toBe('update');
  } finally {
    await t.stop();
  }
});
