import { startTestBot, USERS, type TestBot } from '../support/bot-harness';
import { basicAuthHeader } from '../../bot/webhooks/devops';
import { fixture } from '../core/deployments/fixtures';

const AUTH = { authorization: basicAuthHeader('azure-devops', 'hook-password-1') };
const ENV = { DEVOPS_WEBHOOK_USER: 'azure-devops', DEVOPS_WEBHOOK_PASSWORD: 'hook-password-1' };

/** A firmware-release run in the shape Azure DevOps sends (Microsoft's sample with this project's names). */
function runEvent(id: string, state: string, result: string | null, createdDate: string, variables?: Record<string, { value: string }>) {
  const e = fixture('ms.vss-pipelines.run-state-changed-event');
  e.id = id;
  e.createdDate = createdDate;
  Object.assign(e.resource.run, {
    id: 11,
    name: '20260301.1',
    state,
    result,
    variables,
    createdDate: '2026-03-01T10:00:00Z',
    finishedDate: state === 'completed' ? createdDate : null,
  });
  e.resource.run.pipeline.name = 'firmware-release';
  e.resource.run._links.web.href = 'https://dev.azure.com/contoso/Fleet/_build/results?buildId=11';
  e.resource.run.resources = { repositories: { self: { refName: 'refs/heads/main', version: '9f1c2ab34de5' } } };
  return e;
}

function approvalPending(createdDate: string) {
  const e = fixture('ms.vss-pipelinechecks-events.approval-pending');
  e.createdDate = createdDate;
  e.resource.stageName = 'Production';
  e.resource.run = { id: 11, name: '20260301.1', state: 'inProgress', pipeline: { id: 7, name: 'firmware-release' } };
  e.resource.pipeline = { id: 7, name: 'firmware-release' };
  return e;
}

const cardsFor = (t: TestBot, conversationId: string) =>
  t.connector.activities
    .filter((a) => a.conversationId === conversationId && a.activity.attachments?.length)
    .map((a) => ({ kind: a.kind, card: a.activity.attachments[0].content }));
const lastCardText = (t: TestBot, conversationId: string) => JSON.stringify(cardsFor(t, conversationId).at(-1)?.card ?? {});

async function subscribe(t: TestBot, filter: string) {
  const before = t.connector.messages.length;
  await t.say(`subscribe deployments ${filter}`, { user: USERS.operator, conversation: 'channel' });
  await t.connector.waitFor(() => t.connector.messages.length > before);
  expect(t.connector.texts().at(-1)).toMatch(/Subscribed/);
}

jest.setTimeout(20_000);

describe('deployments end to end', () => {
  let t: TestBot;
  beforeEach(async () => {
    t = await startTestBot({ env: ENV });
  });
  afterEach(async () => {
    await t.stop();
  });

  it('authenticates service hooks and answers bad requests with clear JSON', async () => {
    const event = runEvent('e-1', 'inProgress', null, '2026-03-01T10:00:00Z');
    expect((await t.post('/api/devops', event)).status).toBe(401);
    expect((await t.post('/api/devops', event, { authorization: basicAuthHeader('azure-devops', 'wrong') })).status).toBe(401);
    const garbage = await t.post('/api/devops', '{not json', AUTH);
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toMatchObject({ error: expect.stringMatching(/not JSON/) });
    const job = await t.post('/api/devops', fixture('ms.vss-pipelines.job-state-changed-event'), AUTH);
    // An event type FleetOps does not handle is acknowledged (a 4xx would put the subscription on probation).
    expect(job.status).toBe(202);
    expect(await job.json()).toMatchObject({ status: 'ignored', eventType: 'ms.vss-pipelines.job-state-changed-event' });
    const broken = await t.post('/api/devops', { ...fixture('ms.vss-pipelines.run-state-changed-event'), resource: { run: 'not a run' } }, AUTH);
    expect(broken.status).toBe(400);
    const huge = await t.post('/api/devops', JSON.stringify({ pad: 'x'.repeat(1_100_000) }), AUTH);
    expect(huge.status).toBe(413);

    const first = await t.post('/api/devops', event, AUTH);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ status: 'stored', runId: 'run-11' });
    const again = await t.post('/api/devops', event, AUTH);
    expect(await again.json()).toMatchObject({ status: 'duplicate', runId: 'run-11' });
  });

  it('one card per run, updated in place; approve from Teams (release lead only); plan rollout when firmware is published', async () => {
    await subscribe(t, 'firmware-*');
    const channel = t.conversationId('channel');

    expect((await t.post('/api/devops', runEvent('e-1', 'inProgress', null, '2026-03-01T10:00:00Z'), AUTH)).status).toBe(200);
    await t.connector.waitFor(() => cardsFor(t, channel).length === 1);
    expect(cardsFor(t, channel)[0]!.kind).toBe('create');
    expect(lastCardText(t, channel)).toContain('firmware-release · 20260301.1');

    expect((await t.post('/api/devops', approvalPending('2026-03-01T10:04:00Z'), AUTH)).status).toBe(200);
    await t.connector.waitFor(() => lastCardText(t, channel).includes('deployment.approve'));
    expect(cardsFor(t, channel).at(-1)!.kind).toBe('update');

    const denied = await t.click(
      'deployment.approve',
      { id: 'run-11', approvalId: '0f027b05-0942-4a35-9218-26fa07d8760a' },
      { user: USERS.viewer, conversation: 'channel' },
    );
    expect(JSON.stringify(denied)).toMatch(/release-lead role/);

    const approved = await t.click(
      'deployment.approve',
      { id: 'run-11', approvalId: '0f027b05-0942-4a35-9218-26fa07d8760a' },
      { user: USERS.releaseLead, conversation: 'channel' },
    );
    const approvedCard = JSON.stringify(approved);
    expect(approvedCard).toContain('Approved for Production by Rita Lead');
    expect(approvedCard).not.toContain('deployment.approve');
    await t.connector.waitFor(() => lastCardText(t, channel).includes('Approved for Production by Rita Lead'));

    const twice = await t.click(
      'deployment.approve',
      { id: 'run-11', approvalId: '0f027b05-0942-4a35-9218-26fa07d8760a' },
      { user: USERS.releaseLead, conversation: 'channel' },
    );
    expect(JSON.stringify(twice)).toContain('Approved for Production by Rita Lead');

    await t.post('/api/devops', runEvent('e-2', 'completed', 'succeeded', '2026-03-01T10:09:00Z', { FIRMWARE_VERSION: { value: '2.4.1' } }), AUTH);
    await t.connector.waitFor(() => lastCardText(t, channel).includes('Plan rollout of 2.4.1'));
    expect(lastCardText(t, channel)).toContain('"verb":"rollout.plan"');
    expect(cardsFor(t, channel).filter((c) => c.kind === 'create')).toHaveLength(1);

    const before = t.connector.messages.length;
    await t.say('deployments firmware-release', { user: USERS.viewer, conversation: 'personal' });
    await t.connector.waitFor(() => t.connector.messages.length > before);
    expect(JSON.stringify(t.connector.cards().at(-1))).toContain('Recent runs of firmware-release');
  });

  it('does not post runs of pipelines a conversation did not subscribe to, and rejects bad filters', async () => {
    const before = t.connector.messages.length;
    await t.say('subscribe deployments a,,b', { user: USERS.operator, conversation: 'channel' });
    await t.connector.waitFor(() => t.connector.messages.length > before);
    expect(t.connector.texts().at(-1)).toMatch(/empty name between commas/);
    await subscribe(t, 'FleetOps CD');
    await t.post('/api/devops', runEvent('e-9', 'inProgress', null, '2026-03-01T10:00:00Z'), AUTH);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(cardsFor(t, t.conversationId('channel'))).toHaveLength(0);
  });
});
