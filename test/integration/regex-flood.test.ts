/**
 * One viewer's regex must not freeze the bot for everyone else. `(a+)+$` against a's and a
 * "!" backtracks for 2^n steps in V8; when KQL regexes ran there, on the event loop, `help`
 * from others took 14 s (p50) to 39 s (p99) and alert webhooks stalled. Kusto's regexes are
 * RE2 (linear), and so is DuckDB's engine that runs them now.
 *
 * The timing bounds are far off on purpose (a loaded CI machine is slow, not frozen); the
 * figures are printed for the record.
 */
import { startTestBot, USERS, type TestBot, type TestUser } from '../support/bot-harness';
import { cardJson } from '../support/recording-connector';
import { devicePayload } from '../core/alerts/fixtures';
import { percentile } from '../../bench/report';

const TOKEN = 'regex-flood-token';
const EVIL = [29, 40].map((n) => `logs print extract_all(@"(a+)+$", strcat(strrep("a", ${n}), "!"))`);

let t: TestBot;
beforeAll(async () => {
  t = await startTestBot({ env: { ALERTS_WEBHOOK_TOKEN: TOKEN } });
  await t.sayAndWait('logs print warm = 1', { conversationId: 'a:warm-up' }); // the KQL compiler process loads the parser
}, 60_000);
afterAll(() => t.stop());

/** Says `text` as `user` in a conversation of its own; resolves with the ms until the bot's first message there. */
async function roundTrip(text: string, user: TestUser, conversationId: string): Promise<number> {
  const before = t.connector.messages.filter((m) => m.conversationId === conversationId).length;
  const started = Date.now();
  await t.say(text, { user, conversationId });
  await t.connector.waitFor(() => t.connector.messages.filter((m) => m.conversationId === conversationId).length > before, 60_000);
  return t.connector.messages.filter((m) => m.conversationId === conversationId)[before].at - started;
}

test('while viewers run catastrophic regexes, help stays fast for others and alerts are still delivered and acknowledged', async () => {
  let flooding = true;
  const evilAnswers: number[] = [];
  // Two viewers (one query each at a time) send the regexes again as soon as they are answered.
  const flood = [USERS.viewer, USERS.admin].map(async (user, i) => {
    while (flooding) evilAnswers.push(await roundTrip(EVIL[i], user, `a:evil-${i}`));
  });

  // Others use the bot meanwhile: `help` for a while (not a count: a frozen loop would answer none), and an alert.
  const help: number[] = [];
  const helpUntil = Date.now() + 5_000;
  const helpLoop = (async () => {
    while (help.length < 40 || Date.now() < helpUntil) help.push(await roundTrip('help', USERS.releaseLead, 'a:help'));
  })();
  const alertFlow = (async () => {
    await t.sayAndWait('subscribe alerts', { user: USERS.operator, conversationId: 'a:alerts' });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const alertId = '/subscriptions/s/providers/Microsoft.AlertsManagement/alerts/regex-flood-1';
    const posted = Date.now();
    expect(
      (await t.post(`/api/alerts?token=${TOKEN}`, devicePayload({ alertId, deviceId: 'device-7', severity: 1, firedAt: new Date().toISOString() }))).status,
    ).toBe(200);
    const webhookMs = Date.now() - posted;
    await t.connector.waitFor((a) => a.some((x) => x.conversationId === 'a:alerts' && x.kind === 'create' && cardJson(x).includes('device-7')), 60_000);
    const clicked = Date.now();
    const ack = await t.click('alert.acknowledge', { id: alertId }, { user: USERS.operator });
    expect(JSON.stringify(ack)).toContain('by Otto Operator');
    return { webhookMs, ackMs: Date.now() - clicked };
  })();
  const [{ webhookMs, ackMs }] = await Promise.all([alertFlow, helpLoop]);

  flooding = false;
  await Promise.all(flood);
  const figures = {
    evilQueries: evilAnswers.length,
    evilP50: percentile(evilAnswers, 50),
    evilMax: Math.max(...evilAnswers),
    helpP50: percentile(help, 50),
    helpP99: percentile(help, 99),
    helpMax: Math.max(...help),
    helpCount: help.length,
    webhookMs,
    ackMs,
  };
  process.stdout.write(`regex flood: ${JSON.stringify(figures)}\n`);

  expect(evilAnswers.length).toBeGreaterThan(0);
  expect(figures.evilMax).toBeLessThan(10_000);
  expect(figures.helpP99).toBeLessThan(2_000);
  expect(webhookMs).toBeLessThan(2_000);
  expect(ackMs).toBeLessThan(2_000);
}, 120_000);
