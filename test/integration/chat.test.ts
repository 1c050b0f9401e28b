import { startTestBot, USERS, type TestBot } from '../support/bot-harness';

describe('chat over the Bot Framework protocol', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(async () => {
    await t.stop();
  });

  test('help in a personal chat answers with the command card', async () => {
    const response = await t.say('help');
    expect(response.status).toBe(200);
    await t.connector.waitFor((a) => a.some((x) => x.activity.attachments?.length));
    const card = t.connector.cards().at(-1)!;
    expect(card.type).toBe('AdaptiveCard');
    expect(JSON.stringify(card)).toContain('subscribe alerts');
  });

  test('the @mention is stripped in a channel', async () => {
    const before = t.connector.messages.length;
    await t.say('whoami', { conversation: 'channel', user: USERS.operator });
    await t.connector.waitFor(() => t.connector.messages.length > before);
    expect(t.connector.texts().at(-1)).toContain('role **operator**');
  });

  test('an unknown command gets did-you-mean', async () => {
    const before = t.connector.messages.length;
    await t.say('hepl');
    await t.connector.waitFor(() => t.connector.messages.length > before);
    expect(t.connector.texts().at(-1)).toMatch(/Did you mean `help`/);
  });
});
