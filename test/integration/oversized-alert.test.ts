/**
 * An alert with 100 KB in its rule, device id and site made a 600 KB card: Teams answered
 * 413, the send became a dead letter, the alert never reached the channel, and `alerts`
 * failed for everyone while it stayed open. Now every activity fits under 28 KB.
 */
import { startTestBot, USERS, type TestBot } from '../support/bot-harness';
import { devicePayload } from '../core/alerts/fixtures';

const TOKEN = 'oversized-token';
const LIMIT = 28 * 1024;
let t: TestBot;
beforeAll(async () => {
  t = await startTestBot({ env: { ALERTS_WEBHOOK_TOKEN: TOKEN } });
}, 60_000);
afterAll(() => t.stop());

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

test('an alert with 100 KB fields reaches the channel on a card under 28 KB, and `alerts` still answers everyone', async () => {
  await t.sayAndWait('subscribe alerts', { user: USERS.operator, conversation: 'channel' });
  const huge = (c: string, n: number) => `${c.repeat(n)}-end`;
  const payload = devicePayload({
    alertId: 'oversized-1',
    rule: huge('R', 100_000),
    deviceId: huge('D', 60_000),
    site: huge('S', 60_000),
    severity: 1,
    firedAt: new Date().toISOString(),
  });
  expect((await t.post(`/api/alerts?token=${TOKEN}`, payload)).status).toBe(200);
  await t.connector.waitFor((a) =>
    a.some((x) => x.kind === 'create' && x.conversationId === t.conversationId('channel') && JSON.stringify(x.activity).includes('RRRR')),
  );
  const sent = t.connector.messages.filter((m) => m.conversationId === t.conversationId('channel') && JSON.stringify(m.activity).includes('RRRR'));
  for (const m of sent) expect(bytes(m.activity)).toBeLessThan(LIMIT);
  expect(sent[0]!.activity.summary?.length ?? 0).toBeLessThan(300);

  for (const user of [USERS.viewer, USERS.operator]) {
    const reply = await t.sayAndWait('alerts', { user });
    expect(bytes(reply.activity)).toBeLessThan(LIMIT);
    expect(JSON.stringify(reply.activity)).toContain('RRRR');
    expect(JSON.stringify(reply.activity)).not.toMatch(/something went wrong/i);
  }
  const delivery = await t.sayAndWait('delivery', { user: USERS.operator });
  expect(JSON.stringify(delivery.activity)).not.toMatch(/413/);
});
