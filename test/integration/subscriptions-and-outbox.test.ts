import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestBot, USERS } from '../support/bot-harness';
import { bodyActions, cardIn, texts } from '../support/card-reading';
import { RecordingConnector } from '../support/recording-connector';

const lastText = (t: { connector: RecordingConnector }) => t.connector.texts().at(-1) ?? '';

/** The text of the bot's answer to `text`. */
async function sayAndWait(t: Awaited<ReturnType<typeof startTestBot>>, text: string, options: Parameters<typeof t.say>[1]) {
  await t.sayAndWait(text, options);
  return lastText(t);
}

/** The card `subscriptions` answers with in the group chat. */
async function subscriptionsCard(t: Awaited<ReturnType<typeof startTestBot>>): Promise<unknown> {
  return (await t.sayAndWait('subscriptions', { user: USERS.viewer, conversation: 'groupChat' })).activity.attachments?.[0]?.content;
}

test('subscribe, list and unsubscribe in a group chat; viewers may not subscribe', async () => {
  const t = await startTestBot();
  try {
    expect(await sayAndWait(t, 'subscribe alerts', { user: USERS.viewer, conversation: 'groupChat' })).toMatch(/needs the \*\*operator\*\* role/);
    expect(await sayAndWait(t, 'subscribe alerts', { user: USERS.operator, conversation: 'groupChat' })).toMatch(
      /Subscribed: this conversation now receives all alerts/,
    );
    expect(await sayAndWait(t, 'subscribe weather', { user: USERS.operator, conversation: 'groupChat' })).toMatch(/There is no topic `weather`/);
    const listed = cardIn(await subscriptionsCard(t));
    expect(texts(listed)).toContain('**alerts** (all)');
    expect(texts(listed)).toContainEqual(expect.stringMatching(/^by Otto Operator, since /));
    expect(await sayAndWait(t, 'unsubscribe alerts', { user: USERS.operator, conversation: 'groupChat' })).toMatch(/1 subscription removed/);
    expect(texts(cardIn(await subscriptionsCard(t)))).toContain('This conversation has no subscriptions. Try `subscribe alerts sev<=2`.');
    expect(await sayAndWait(t, 'audit', { user: USERS.releaseLead, conversation: 'personal' })).toMatch(
      /Otto Operator.*`subscribe` alerts → ok[\s\S]*Vera Viewer.*`subscribe` alerts → denied/,
    );
  } finally {
    await t.stop();
  }
});

test('the subscriptions card’s Unsubscribe removes that one subscription for an operator, not for a viewer, and answers with the updated card', async () => {
  const t = await startTestBot();
  try {
    await t.sayAndWait('subscribe alerts', { user: USERS.operator, conversation: 'groupChat' });
    await t.sayAndWait('subscribe deployments', { user: USERS.operator, conversation: 'groupChat' });
    const listed = cardIn(await subscriptionsCard(t));
    const [alertsButton] = bodyActions(listed);
    expect(alertsButton).toMatchObject({ type: 'Action.Execute', title: 'Unsubscribe', verb: 'subscription.unsubscribe' });

    const denied = await t.click(alertsButton!.verb!, alertsButton!.data, { user: USERS.viewer, conversation: 'groupChat' });
    expect(JSON.stringify(denied)).toMatch(/needs the operator role/);
    const done = await t.click(alertsButton!.verb!, alertsButton!.data, { user: USERS.operator, conversation: 'groupChat' });
    const updated = cardIn(done.value);
    expect(texts(updated)[0]).toBe('Otto Operator unsubscribed this conversation from all alerts.');
    expect(texts(updated).filter((line) => line.startsWith('**'))).toEqual(['**deployments** (all)']);
    expect(texts(cardIn(await subscriptionsCard(t)))).toContain('**deployments** (all)');
    expect(await sayAndWait(t, 'audit', { user: USERS.releaseLead, conversation: 'personal' })).toMatch(
      /Otto Operator.*`subscription.unsubscribe` \d+ → ok[\s\S]*Vera Viewer.*`subscription.unsubscribe` \d+ → denied/,
    );
  } finally {
    await t.stop();
  }
});

test('what was queued before a crash is sent after the restart, exactly once', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetops-restart-'));
  const connector = await new RecordingConnector().start();
  try {
    const first = await startTestBot({ dataDir, connector });
    await first.say('whoami', { conversation: 'channel' }); // records the conversation reference
    await connector.waitFor((a) => a.length > 0);
    // The connector is down: every send hangs. Queue three cards, then "crash" without draining.
    connector.failNext({ hang: true }, 1);
    connector.failNext({ status: 503 }, 100);
    const conversationId = first.conversationId('channel');
    for (const n of [1, 2, 3]) await first.bot.services.notifier.post(conversationId, `alert:${n}`, { text: `alert ${n}` });
    await first.bot.stop(0);
    connector.clearFaults(); // the connector is healthy again

    const second = await startTestBot({ dataDir, connector });
    await connector.waitFor(() => ['alert 1', 'alert 2', 'alert 3'].every((text) => connector.texts().includes(text)), 10_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const text of ['alert 1', 'alert 2', 'alert 3']) expect(connector.texts().filter((t) => t === text)).toHaveLength(1);
    await second.stop();
  } finally {
    await connector.stop();
  }
});

test('429 from the connector delays the card and honours Retry-After; it is not dropped', async () => {
  const t = await startTestBot({ start: { outbox: { backoff: { baseMs: 50, random: () => 0 } } } });
  try {
    await sayAndWait(t, 'whoami', { conversation: 'personal' });
    t.connector.failNext({ status: 429, retryAfter: '1' }, 2);
    const started = Date.now();
    await t.bot.services.notifier.post(t.conversationId('personal'), 'deploy:1', { text: 'deployment card' });
    await t.connector.waitFor(() => t.connector.texts().includes('deployment card'), 10_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900); // two Retry-After: 1 waits
    t.connector.failNext({ status: 500 }, 1);
    await t.bot.services.notifier.post(t.conversationId('personal'), 'deploy:1', { text: 'deployment card, updated' });
    await t.connector.waitFor(() => t.connector.activities.some((a) => a.kind === 'update' && a.activity.text === 'deployment card, updated'), 10_000);
  } finally {
    await t.stop();
  }
});
