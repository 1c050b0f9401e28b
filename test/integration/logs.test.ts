import { startTestBot, type TestBot } from '../support/bot-harness';

/**
 * `logs` over the Bot Framework protocol: the real server, the simulated fleet writing its
 * log lines into the embedded store, and KQL compiled in the bot's KQL compiler process.
 */
describe('logs over the Bot Framework protocol', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot({ env: { SIM_DEVICES: '20', SIM_SEED: '3' } });
  });
  afterAll(async () => {
    await t.stop();
  });

  test('a KQL query answers with a card of its rows', async () => {
    const before = t.connector.cards().length;
    await t.say('logs print answer = 6 * 7, device = strcat("device-", 42)');
    await t.connector.waitFor(() => t.connector.cards().length > before);
    const card = JSON.stringify(t.connector.cards().at(-1));
    expect(card).toContain('answer');
    expect(card).toContain('42');
    expect(card).toContain('device-42');
  });

  test('a mistake in the query gets its line, column and a caret, and no card', async () => {
    const before = t.connector.messages.length;
    const cardsBefore = t.connector.cards().length;
    await t.say('logs DeviceLogs | where Levl == "Error"');
    await t.connector.waitFor(() => t.connector.messages.length > before);
    const reply = JSON.stringify(t.connector.messages.slice(before));
    expect(reply).toMatch(/Levl/);
    expect(reply).toMatch(/line 1, column 20/);
    expect(reply).toContain('^^^^');
    expect(t.connector.cards()).toHaveLength(cardsBefore);
  });

  test('a query over the store reads what the simulated fleet wrote', async () => {
    const before = t.connector.cards().length;
    await t.say('logs DeviceLogs | summarize lines = count() by Level | order by Level asc');
    await t.connector.waitFor(() => t.connector.cards().length > before);
    expect(JSON.stringify(t.connector.cards().at(-1))).toContain('lines');
  });
});
