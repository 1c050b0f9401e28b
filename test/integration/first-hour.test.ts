import fs from 'node:fs';
import path from 'node:path';
import { basicAuthHeader } from '../../bot/webhooks/devops';
import { startTestBot, USERS, type TestBot } from '../support/bot-harness';

/**
 * What a new user hits in the first hour (issue 13), over the Bot Framework protocol on
 * the real server: the paths the bot calls on Teams' connector, webhook answers, replies.
 */
const FIXTURES = path.resolve(__dirname, '../../../shared/fixtures/azure-devops');
const fixture = (name: string): Record<string, any> => JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8'));
const ENV = { DEVOPS_WEBHOOK_USER: 'azure-devops', DEVOPS_WEBHOOK_PASSWORD: 'hook-password-1' };
const AUTH = { authorization: basicAuthHeader('azure-devops', 'hook-password-1') };

jest.setTimeout(30_000);

describe('a serviceUrl with a trailing slash, as real Teams sends it (https://smba.trafficmanager.net/amer/)', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot({ env: ENV, servicePath: '/amer/' });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('replies, proactive creates and updates all go to /amer/v3/…, never /amer//v3/…', async () => {
    const channel = t.conversationId('channel'); // the SDK puts it in the path as it is
    const reply = await t.sayAndWait('subscribe deployments', { user: USERS.operator, conversation: 'channel' });
    expect(reply.activity.text).toMatch(/Subscribed/);
    expect(reply.request).toBe(`POST /amer/v3/conversations/${channel}/activities`);

    const event = fixture('ms.vss-pipelines.run-state-changed-event');
    event.id = 'first-hour-1';
    event.resource.run.state = 'inProgress';
    event.resource.run.result = null;
    expect((await t.post('/api/devops', event, AUTH)).status).toBe(200);
    await t.connector.waitFor((all) => all.some((a) => a.kind === 'create' && a.activity.attachments?.length));
    const created = t.connector.activities.find((a) => a.kind === 'create' && a.activity.attachments?.length)!;
    expect(created.request).toBe(`POST /amer/v3/conversations/${channel}/activities`);

    const done = fixture('ms.vss-pipelines.run-state-changed-event');
    done.id = 'first-hour-2';
    done.createdDate = new Date(Date.parse(event.createdDate) + 60_000).toISOString();
    expect((await t.post('/api/devops', done, AUTH)).status).toBe(200);
    await t.connector.waitFor((all) => all.some((a) => a.kind === 'update'));
    const updated = t.connector.activities.find((a) => a.kind === 'update')!;
    expect(updated.request).toBe(`PUT /amer/v3/conversations/${channel}/activities/${created.activityId}`);
    expect(t.connector.activities.filter((a) => a.request.includes('//v3'))).toEqual([]);
    // Stored once without the slash (Teams SDK 2.1 trims it too; older clients and other code paths did not).
    expect(t.bot.services.conversations.get(channel)?.serviceUrl).toBe(`${t.connector.url}/amer`);
  });
});

describe('webhooks and replies a new user meets', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot({ env: ENV });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('an empty `deployments` names the URL the bot listens on here and an Azure placeholder, both readable', async () => {
    const reply = (await t.sayAndWait('deployments')).activity.text as string;
    expect(reply).toContain(`\`${t.url}/api/devops\``);
    expect(reply).toContain('`https://<your-app>.azurewebsites.net/api/devops`');
    expect(reply).not.toMatch(/https?:\/\/\/|<your bot>/);
  });
});
