import { startTestBot, USERS } from '../support/bot-harness';
import { createAlertsFeatureModule } from '../../bot/features/alerts';
import { devicePayload } from '../core/alerts/fixtures';

jest.setTimeout(60_000);
const TOKEN = 'fault-token';

test('a failing connector (429 with Retry-After, 500, 502, 504) delays alert cards but never drops them', async () => {
  const t = await startTestBot({
    env: { ALERTS_WEBHOOK_TOKEN: TOKEN },
    start: { features: [createAlertsFeatureModule({ schedule: () => () => undefined })], outbox: { backoff: { baseMs: 50, maxMs: 400, random: () => 0.5 } } },
  });
  try {
    await t.say('subscribe alerts', { user: USERS.operator, conversation: 'channel' });
    await t.connector.waitFor((a) => a.length > 0);
    const conversationId = t.conversationId('channel');
    t.connector.failNext({ status: 429, retryAfter: '1' }, 2);
    t.connector.failNext({ status: 500 }, 3);
    t.connector.failNext({ status: 502 }, 2);
    t.connector.failNext({ status: 504 }, 2);
    const firedAt = new Date().toISOString();
    for (let i = 0; i < 12; i++) {
      const res = await t.post(
        `/api/alerts?token=${TOKEN}`,
        devicePayload({ alertId: `fault-${i}`, rule: i < 4 ? 'Temperature high' : 'Device offline', deviceId: `device-${i}`, firedAt }),
      );
      expect(res.status).toBe(200); // the webhook never waits for Teams
    }
    // 5 own cards (K = 5), then the rest in storm cards per rule; each card eventually shows its alerts.
    const cards = () =>
      t.connector.activities.filter((a) => a.conversationId === conversationId).map((a) => JSON.stringify(a.activity.attachments?.[0]?.content ?? {}));
    await t.connector.waitFor(() => {
      const all = cards();
      return [0, 1, 2, 3, 4].every((i) => all.some((c) => c.includes(`id fault-${i}`))) && all.some((c) => c.includes('Device offline: 7 devices'));
    }, 30_000);
    const creates = t.connector.activities.filter((a) => a.kind === 'create' && a.conversationId === conversationId);
    expect(creates).toHaveLength(1 + 5 + 1); // "Subscribed", 5 alert cards, 1 storm card
    expect(t.bot.db!.prepare(`SELECT COUNT(*) FROM outbox WHERE state = 'dead'`).pluck().get()).toBe(0);
  } finally {
    await t.stop();
  }
});
