import { startTestBot, USERS, type TestBot } from '../support/bot-harness';
import { cardJson, RecordingConnector } from '../support/recording-connector';
import { createAlertsFeatureModule } from '../../bot/features/alerts';
import { devicePayload } from '../core/alerts/fixtures';
import { describeOnPostgres, scratchDatabase } from '../support/postgres';
import { PRODUCTION_BACKENDS } from '../support/production-backends';
import { Pool } from 'pg';

const TOKEN = 'replica-token';
jest.setTimeout(60_000);

/**
 * Two replicas of the bot (real servers in this process) on one PostgreSQL, one recording
 * Bot Connector: webhooks and clicks land on either; each alert is stored once and carded
 * once per conversation, whichever replica received it or sent its card.
 */
describeOnPostgres('two replicas on one PostgreSQL', () => {
  let scratch: { url: string; drop: () => Promise<void> };
  let connector: RecordingConnector;
  let replicas: TestBot[] = [];

  beforeEach(async () => {
    scratch = await scratchDatabase();
    connector = await new RecordingConnector().start();
    const start = { features: [createAlertsFeatureModule({ schedule: () => () => undefined })] };
    const env = { ...PRODUCTION_BACKENDS, ALERTS_WEBHOOK_TOKEN: TOKEN, DATABASE_URL: scratch.url };
    // Started together: the second waits for the first's migrations (advisory lock) and finds nothing to do.
    replicas = await Promise.all([startTestBot({ env, start, connector }), startTestBot({ env, start, connector })]);
  });

  afterEach(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await connector.stop();
    await scratch.drop();
  });

  test('alerts posted to both replicas (and redelivered to the other) are stored and carded once; a click on either moves the alert once', async () => {
    const [a, b] = replicas as [TestBot, TestBot];
    expect((await a.sayAndWait('subscribe alerts', { user: USERS.operator, conversation: 'channel' })).activity.text).toMatch(/Subscribed/);
    expect((await b.sayAndWait('subscribe alerts sev<=1', { user: USERS.operator, conversation: 'groupChat' })).activity.text).toMatch(/Subscribed/);

    const ids = Array.from({ length: 30 }, (_, i) => `/subscriptions/s/providers/Microsoft.AlertsManagement/alerts/rep-${i}`);
    const payloads = ids.map((alertId, i) => devicePayload({ alertId, deviceId: `device-${i}`, severity: i % 3, firedAt: new Date().toISOString() }));
    const answers = await Promise.all(payloads.map((p, i) => (i % 2 ? a : b).post(`/api/alerts?token=${TOKEN}`, p)));
    expect(answers.map((r) => r.status)).toEqual(payloads.map(() => 200));
    // Azure redelivers, to whichever replica the front picks: duplicates, no new card.
    const redelivered = await Promise.all(payloads.slice(0, 10).map((p, i) => (i % 2 ? b : a).post(`/api/alerts?token=${TOKEN}`, p)));
    expect(redelivered.map((r) => r.status)).toEqual(redelivered.map(() => 200));

    const channel = a.conversationId('channel');
    const group = a.conversationId('groupChat');
    const creates = () => connector.activities.filter((x) => x.kind === 'create' && /Temperature high/.test(cardJson(x)));
    // Each alert is its own card or joins a storm card: every card key got exactly one create per conversation, then only updates.
    const keys = new Pool({ connectionString: scratch.url });
    const expected = async () =>
      Object.fromEntries(
        (
          await keys.query<{ conversation_id: string; cards: string }>(
            'SELECT conversation_id, COUNT(DISTINCT card_key) AS cards FROM alert_deliveries GROUP BY 1',
          )
        ).rows.map((r) => [r.conversation_id, Number(r.cards)]),
      );
    const sent = () => {
      const perConversation: Record<string, number> = {};
      for (const x of creates()) perConversation[x.conversationId] = (perConversation[x.conversationId] ?? 0) + 1;
      return perConversation;
    };
    // Storm cards are rendered on a short timer after their alerts: wait for them, then check that nothing more comes.
    let expectedCards: Record<string, number>;
    try {
      await waitUntil(async () => JSON.stringify(sent()) === JSON.stringify(await expected()), 20_000).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expectedCards = await expected();
    } finally {
      await keys.end();
    }
    expect(sent()).toEqual(expectedCards);
    const perConversation = new Map(Object.entries(sent()));
    expect([...perConversation.keys()].sort()).toEqual([channel, group].sort());

    const stored = await a.bot.provided('alerts')!.alerts.listOpen(undefined, 100);
    expect(stored.total).toBe(30);

    const [first, second] = await Promise.all([
      a.click('alert.acknowledge', { id: ids[0] }, { user: USERS.operator }),
      b.click('alert.acknowledge', { id: ids[0] }, { user: USERS.admin }),
    ]);
    const texts = [JSON.stringify(first), JSON.stringify(second)];
    expect(texts.filter((t) => /already acknowledged by/.test(t))).toHaveLength(1);
    expect((await b.bot.provided('alerts')!.alerts.get(ids[0]!))?.version).toBe(2);
  });
  test('the same alert delivered to both replicas at the same moment: both answer 2xx, it is stored once and carded once', async () => {
    const [a, b] = replicas as [TestBot, TestBot];
    expect((await a.sayAndWait('subscribe alerts', { user: USERS.operator, conversation: 'channel' })).activity.text).toMatch(/Subscribed/);
    const payloads = Array.from({ length: 20 }, (_, i) =>
      devicePayload({
        alertId: `/subscriptions/s/providers/Microsoft.AlertsManagement/alerts/twin-${i}`,
        rule: `Rule ${i}`,
        deviceId: `device-${i}`,
        severity: 1,
        firedAt: new Date().toISOString(),
      }),
    );
    // Azure retries a delivery it thinks failed while the first is still in flight; the front sends each to a different replica.
    const answers = await Promise.all(payloads.flatMap((p) => [a.post(`/api/alerts?token=${TOKEN}`, p), b.post(`/api/alerts?token=${TOKEN}`, p)]));
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 200));
    expect((await a.bot.provided('alerts')!.alerts.listOpen(undefined, 100)).total).toBe(20);
    const creates = () => connector.activities.filter((x) => x.kind === 'create' && /Rule \d+/.test(cardJson(x)));
    await waitUntil(async () => creates().length >= 20, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(creates()).toHaveLength(20);
  });
});

async function waitUntil(predicate: () => Promise<boolean>, timeoutInMs: number): Promise<void> {
  const deadline = Date.now() + timeoutInMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
