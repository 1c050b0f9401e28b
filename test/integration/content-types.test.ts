/**
 * What a cross-site page can post without a CORS preflight (text/plain, forms, multipart)
 * is refused with a clear 415. /api/messages answered 500 to these; /api/alerts accepted
 * a text/plain body as an alert. Teams and Azure Monitor both send application/json.
 */
import { startTestBot, type TestBot } from '../support/bot-harness';
import { devicePayload } from '../core/alerts/fixtures';

const TOKEN = 'content-type-token';
let t: TestBot;
beforeAll(async () => {
  t = await startTestBot({ env: { ALERTS_WEBHOOK_TOKEN: TOKEN } });
}, 60_000);
afterAll(() => t.stop());

const activity = JSON.stringify({
  type: 'message',
  text: 'help',
  from: { id: 'x' },
  conversation: { id: 'c' },
  serviceUrl: 'http://127.0.0.1:1',
  channelId: 'msteams',
});
const SIMPLE_REQUESTS: Array<[string, string, string]> = [
  ['text/plain', 'text/plain;charset=UTF-8', activity],
  ['a form', 'application/x-www-form-urlencoded', `a=${encodeURIComponent(activity)}`],
  ['multipart', 'multipart/form-data; boundary=x', `--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n${activity}\r\n--x--\r\n`],
];

test.each(SIMPLE_REQUESTS)('/api/messages answers 415 to %s, with a JSON reason', async (_name, type, body) => {
  const res = await t.post('/api/messages', body, { 'content-type': type });
  expect(res.status).toBe(415);
  expect(((await res.json()) as { error: string }).error).toMatch(/application\/json/);
});

test.each(SIMPLE_REQUESTS)('/api/alerts refuses %s with 415, even with the right token and a valid alert inside', async (_name, type) => {
  const alert = JSON.stringify(devicePayload({ alertId: 'ct-1', deviceId: 'device-1' }));
  const res = await t.post(`/api/alerts?token=${TOKEN}`, alert, { 'content-type': type });
  expect(res.status).toBe(415);
  expect(((await res.json()) as { error: string }).error).toMatch(/application\/json/);
});

test('application/json (with a charset) still works on both', async () => {
  expect(
    (
      await t.post(`/api/alerts?token=${TOKEN}`, devicePayload({ alertId: 'ct-2', deviceId: 'device-2' }), {
        'content-type': 'application/json; charset=utf-8',
      })
    ).status,
  ).toBe(200);
  const reply = await t.sayAndWait('help');
  expect(reply.activity.attachments?.length ?? 0).toBeGreaterThan(0);
});
