import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { localWebhookLines } from '../../bot/local-webhooks';
import { basicAuthHeader } from '../../bot/webhooks/devops';
import { startTestBot, USERS, type TestBot } from '../support/bot-harness';
import { startManualTimeBot, type ManualTimeBot } from '../support/manual-time-bot';
import { cardJson } from '../support/recording-connector';
import { runCli } from '../support/cli';
import { fixture as alertFixture } from '../core/alerts/fixtures';
import { fixture } from '../core/deployments/fixtures';

/**
 * What a new user hits in the first hour (issue 13), over the Bot Framework protocol on
 * the real server: the paths the bot calls on Teams' connector, webhook answers, replies.
 */
const ENV = { DEVOPS_WEBHOOK_USER: 'azure-devops', DEVOPS_WEBHOOK_PASSWORD: 'hook-password-1', ALERTS_WEBHOOK_TOKEN: 'first-hour-token' };
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
    expect((await t.bot.services.conversations.get(channel))?.serviceUrl).toBe(`${t.connector.url}/amer`);
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

  it('cards say what Azure sent in words: no duration from an approval date, ISO windows as minutes, metric dimensions, no Warning-coloured text', async () => {
    await t.sayAndWait('subscribe deployments', { user: USERS.operator, conversation: 'groupChat' });
    await t.sayAndWait('subscribe alerts', { user: USERS.operator, conversation: 'groupChat' });
    const group = t.conversationId('groupChat');
    const cardsHere = () => t.connector.activities.filter((a) => a.conversationId === group && a.activity.attachments?.length).map(cardJson);

    // Microsoft's sample approval-pending event (dated 2019): the run's start is not known from it.
    expect((await t.post('/api/devops', fixture('ms.vss-pipelinechecks-events.approval-pending'), AUTH)).status).toBe(200);
    await t.connector.waitFor(() => cardsHere().some((c) => c.includes('Approval needed')));
    const approval = cardsHere().find((c) => c.includes('Approval needed'))!;
    expect(approval).not.toMatch(/so far/);
    expect(approval).not.toMatch(/\d{3,} ?h/);

    const metric = alertFixture('common-schema_metric-static_fired_test-action.json');
    expect((await t.post('/api/alerts?token=first-hour-token', metric)).status).toBe(200);
    await t.connector.waitFor(() => cardsHere().some((c) => c.includes('Total Transactions')));
    const alert = cardsHere().find((c) => c.includes('Total Transactions'))!;
    expect(alert).toContain('over 5 min');
    expect(alert).not.toContain('PT5M');
    expect(alert).toContain('Total Transactions where ApiName = GetBlob > 0');

    expect(cardsHere().filter((c) => c.includes('"color":"Warning"'))).toEqual([]);
  });

  it('`audit` shows what happened without a click, FleetOps as the actor, with the time zone', async () => {
    const fired = alertFixture('common-schema_metric-static_fired_test-action.json');
    fired.data.essentials.alertId = '/subscriptions/s/providers/Microsoft.AlertsManagement/alerts/resolved-by-azure';
    expect((await t.post('/api/alerts?token=first-hour-token', fired)).status).toBe(200);
    const resolved = structuredClone(fired);
    resolved.data.essentials.monitorCondition = 'Resolved';
    resolved.data.essentials.resolvedDateTime = new Date(Date.parse(fired.data.essentials.firedDateTime) + 600_000).toISOString();
    expect((await t.post('/api/alerts?token=first-hour-token', resolved)).status).toBe(200);

    const timedOut = fixture('ms.vss-pipelinechecks-events.approval-completed');
    timedOut.resource.approval.status = 'timedOut';
    for (const step of timedOut.resource.approval.steps ?? []) step.status = 'timedOut';
    expect((await t.post('/api/devops', timedOut, AUTH)).status).toBe(200);

    const audit = (await t.sayAndWait('audit', { user: USERS.releaseLead })).activity.text as string;
    expect(audit).toMatch(
      /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \*\*FleetOps\*\* \(system\) `alert\.resolved` resolved-by-azure → ok — .*resolved by Azure Monitor/,
    );
    expect(audit).toMatch(/\*\*FleetOps\*\* \(system\) `deployment\.approval` .* timed out in Azure DevOps/);
  });
});

describe('one card per rollout, and the firmware card that no longer leads to the bad version', () => {
  let t: TestBot;
  let world: ManualTimeBot;
  beforeAll(async () => {
    world = await startManualTimeBot({ SIM_DEVICES: '60', SIM_SEED: '5' });
    t = world.t;
  });
  afterAll(async () => {
    await t.stop();
  });
  const run = (seconds: number) => world.run(seconds);
  const rolloutCards = (conversationId: string, id: string) =>
    t.connector.activities.filter((a) => a.conversationId === conversationId && /Rollout (plan )?R\d/.test(cardJson(a)) && cardJson(a).includes(`${id}`));

  it('the fleet donut carries counts and shares; nothing is coloured Warning', async () => {
    const fleet = cardJson(await t.sayAndWait('fleet'));
    expect(fleet).toMatch(/"legend":"\d+\.\d+\.\d+: \d+ \(\d+(\.\d)? %\)"/);
    expect(fleet).toContain('"text":"Offline"');
    expect(fleet).not.toContain('"color":"Warning"');
  });

  it('firmware → plan → start turns one message into the progress card; later changes update it; an outdated click gets the current card and who changed it', async () => {
    const personal = t.conversationId('personal');
    const firmware = await t.sayAndWait('firmware', { user: USERS.releaseLead });
    const firmwareCard = cardJson(firmware);
    expect(firmwareCard).toContain('Marked **bad** in the catalog');
    expect(firmwareCard).toContain('"title":"Plan rollout of 2.4.1"');

    const lead = { user: USERS.releaseLead, replyToId: firmware.activityId };
    const plan = JSON.stringify(await t.click('rollout.plan', { version: '2.4.1' }, lead));
    expect(plan).toContain('Rollout plan R1: firmware 2.4.1');
    // Wave labels come from the real wave sizes: the share of the rollout once each wave is done.
    const sizes = (await t.bot.provided('rollouts')!.rollouts.get('R1'))!.waves.map((w) => w.size);
    const total = sizes.reduce((a, b) => a + b, 0);
    expect(plan).toContain(`${sizes[0] === 1 ? '1 device' : `${sizes[0]} devices`} · up to ${Math.round((sizes[0]! / total) * 100)} % of the rollout`);
    const startedCard = await t.click('rollout.start', { id: 'R1', version: 1 }, lead);
    const started = JSON.stringify(startedCard);
    expect(started).toContain('Running wave 1 of');
    // Pause is safe (anyone on call stops the line): not styled destructive like Abort, which asks first.
    const actions = startedCard.value.actions as Array<{ verb?: string; style?: string }>;
    expect(actions.find((a) => a.verb === 'rollout.pause')).not.toHaveProperty('style');
    expect(actions.find((a) => a.verb === 'rollout.abort')).toMatchObject({ style: 'destructive', title: 'Abort and revert…' });
    const startedAt = t.connector.activities.length;

    await run(30);
    const before = t.connector.activities.length;
    await t.say('rollout abort R1', { user: USERS.releaseLead });
    await t.connector.waitFor((all) => all.slice(before).some((a) => a.kind !== 'update' && /aborted/.test(a.activity.text ?? '')));
    // Every change went to the same message (the firmware card turned plan, then progress card); none was posted anew.
    await t.connector.waitFor(() => rolloutCards(personal, 'R1').some((a) => a.kind === 'update' && cardJson(a).includes('Aborted')));
    const r1 = rolloutCards(personal, 'R1');
    expect(r1.filter((a) => a.kind !== 'update')).toEqual([]);
    expect(new Set(r1.map((a) => a.activityId))).toEqual(new Set([firmware.activityId]));
    expect(t.connector.activities.length).toBeGreaterThan(startedAt);

    // Pause on the card as it was before the abort: the card becomes the current one and says what happened.
    const stale = JSON.stringify(await t.click('rollout.pause', { id: 'R1', version: 2 }, { user: USERS.operator }));
    expect(stale).toContain('Aborted');
    expect(stale).toMatch(/Nothing changed: someone acted first\. Rita Lead aborted at \d\d:\d\d UTC/);
    expect(stale).toContain('"type":"AdaptiveCard"');

    // A plan typed in a channel: that reply is the card later changes update.
    const planAt = t.connector.activities.length;
    await t.say('rollout plan 2.4.0', { user: USERS.releaseLead, conversation: 'channel' });
    await t.connector.waitFor((all) => all.slice(planAt).some((a) => a.kind !== 'update' && cardJson(a).includes('Rollout plan R2')));
    const reply = t.connector.activities.slice(planAt).find((a) => a.kind !== 'update' && cardJson(a).includes('Rollout plan R2'))!;
    expect(cardJson(reply)).toContain('Rollout plan R2');
    expect(
      JSON.stringify(
        await t.click('rollout.start', { id: 'R2', version: 1 }, { user: USERS.releaseLead, conversation: 'channel', replyToId: reply.activityId }),
      ),
    ).toContain('Running wave 1');
    await t.connector.waitFor(() => rolloutCards(t.conversationId('channel'), 'R2').some((a) => a.kind === 'update' && a.activityId === reply.activityId));
    expect(
      rolloutCards(t.conversationId('channel'), 'R2')
        .filter((a) => a.kind !== 'update')
        .map((a) => a.activityId),
    ).toEqual([reply.activityId]);
  });

  it('the health gate pausing a rollout is in `audit`, FleetOps as the actor', async () => {
    const before = t.connector.activities.length;
    await t.say('rollout abort R2', { user: USERS.releaseLead });
    await t.connector.waitFor((all) => all.slice(before).some((a) => a.kind !== 'update' && /aborted/.test(a.activity.text ?? '')));
    await t.say('rollout plan 2.5.0 waves 50,100', { user: USERS.releaseLead });
    for (let i = 0; i < 100 && !(await t.bot.provided('rollouts')!.rollouts.get('R3')); i++) await new Promise((r) => setTimeout(r, 50));
    expect(JSON.stringify(await t.click('rollout.start', { id: 'R3', version: 1, confirmed: true }, { user: USERS.releaseLead }))).toContain('Running wave 1');
    for (let i = 0; i < 100 && (await t.bot.provided('rollouts')!.rollouts.get('R3'))!.state === 'running'; i++) await run(10);
    expect((await t.bot.provided('rollouts')!.rollouts.get('R3'))!.state).toBe('paused');
    const before2 = t.connector.activities.length;
    await t.say('audit 5', { user: USERS.releaseLead });
    await t.connector.waitFor((all) => all.slice(before2).some((a) => /audit entries/.test(a.activity.text ?? '')));
    const audit = t.connector.activities.slice(before2).find((a) => /audit entries/.test(a.activity.text ?? ''))!.activity.text as string;
    expect(audit).toMatch(/UTC \*\*FleetOps\*\* \(system\) `rollout\.pause` R3 → ok — the health gate paused wave 1/);
  });

  it('devices that time out in an update phase are in `audit`, FleetOps as the actor', async () => {
    await t.say('rollout abort R3', { user: USERS.releaseLead });
    for (let i = 0; i < 50 && (await t.bot.provided('rollouts')!.rollouts.get('R3'))!.state !== 'aborted'; i++) await new Promise((r) => setTimeout(r, 50));
    await t.say('rollout plan 2.3.0 waves 50,100', { user: USERS.releaseLead });
    for (let i = 0; i < 100 && !(await t.bot.provided('rollouts')!.rollouts.get('R4')); i++) await new Promise((r) => setTimeout(r, 50));
    expect(JSON.stringify(await t.click('rollout.start', { id: 'R4', version: 1 }, { user: USERS.releaseLead }))).toContain('Running wave 1');
    // The devices are frozen (no simulator ticks): past the 30-minute phase timeout they time out.
    for (let minute = 0; minute < 32; minute++) {
      world.clock.advance(60_000);
      await world.rolloutTick();
    }
    const before = t.connector.activities.length;
    await t.say('audit 10', { user: USERS.releaseLead });
    await t.connector.waitFor((all) => all.slice(before).some((a) => /audit entries/.test(a.activity.text ?? '')));
    const audit = t.connector.activities.slice(before).find((a) => /audit entries/.test(a.activity.text ?? ''))!.activity.text as string;
    expect(audit).toMatch(/\*\*FleetOps\*\* \(system\) `rollout\.timeout` R4 → ok — \d+ devices? timed out in an update phase/);
  });
});

describe('log search a new user can read', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot({ env: { SIM_DEVICES: '20', SIM_SEED: '3' } });
  });
  afterAll(async () => {
    await t.stop();
  });
  /** The bot's answer to `text`: the first new message. */
  async function ask(text: string): Promise<string> {
    const before = t.connector.messages.length;
    await t.say(text);
    await t.connector.waitFor(() => t.connector.messages.length > before, 30_000);
    const answer = t.connector.messages[before]!;
    return answer.activity.text ?? cardJson(answer);
  }

  it('a misspelt column, table, function or operator gets a "did you mean", and the query wraps with its caret', async () => {
    expect(await ask('logs DeviceLogs | where Levle == "Error"')).toContain('Did you mean `Level`?');
    expect(await ask('logs DeviceLog | take 1')).toContain('Did you mean `DeviceLogs`');
    expect(await ask('logs DeviceLogs | extend x = tolowr(Message)')).toContain('Did you mean `tolower`');
    expect(await ask('logs DeviceLogs | summarise count() by Level')).toContain('Did you mean `summarize`?');

    const long = await ask('logs DeviceLogs | where Level == "Error" and Component == "modem" and Mesage has "timeout" | take 10');
    expect(long).toContain('Did you mean `Message`?');
    const code = /```\n([\s\S]*?)\n```/.exec(long)![1]!.split('\n');
    expect(Math.max(...code.map((l) => l.length))).toBeLessThanOrEqual(60);
    const caretLine = code.findIndex((l) => /^\s*\^+$/.test(l));
    expect(code[caretLine - 1]!.slice(code[caretLine]!.indexOf('^'))).toMatch(/^Mesage/);
  });

  it('`logs schema` lists the tables, columns and types; `help logs` mentions it', async () => {
    const schema = await ask('logs schema');
    expect(schema).toContain('**DeviceLogs**');
    expect(schema).toContain('{"title":"TimeGenerated","value":"datetime"}');
    expect(schema).toContain('{"title":"Temperature","value":"real"}');
    expect(await ask('help logs')).toContain('logs schema');
  });

  it('tables show timestamps without fractions and say UTC once; timecharts have short time labels and round y ticks', async () => {
    // Rows of our own (the simulated fleet may not have written any yet), with the store's 7 fractional digits.
    const hour = (h: number, extra = '') => `2026-12-05T${String(h).padStart(2, '0')}:31:55.1234567Z${extra}`;
    await t.bot.provided('logs')!.logSink!.ingest(
      'DeviceLogs',
      [1, 2, 3].map((h) => ({ TimeGenerated: hour(h), DeviceId: 'fh-1', Level: 'Info', Message: 'first hour', Component: 'agent', FirmwareVersion: '2.4.1' })),
    );
    await t.bot.provided('logs')!.logSink!.ingest(
      'DeviceTelemetry',
      Array.from({ length: 40 }, (_, i) => ({ TimeGenerated: hour(i % 6), DeviceId: 'fh-1', Temperature: 20, Battery: 90, Rssi: -60, CpuPercent: 5 })),
    );
    const table = await ask('logs DeviceLogs | where DeviceId == "fh-1" | project TimeGenerated, Level, Message');
    expect(table).toMatch(/"text":"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"/);
    expect(table).not.toMatch(/\d\d:\d\d:\d\d\.\d/);
    expect(table.match(/UTC/g)).toHaveLength(1);

    const chart = JSON.parse(
      await ask(
        'logs DeviceTelemetry | where DeviceId == "fh-1" | summarize readings = count() by bin(TimeGenerated, 1h) | order by TimeGenerated asc | render timechart',
      ),
    ) as { body: Array<Record<string, any>> };
    const line = chart.body.find((e) => e.type === 'Chart.Line')!;
    expect(line.xAxisTitle).toBe('Time (UTC)');
    expect(line.data[0].values.map((v: { x: string }) => v.x)).toEqual(['00:00', '01:00', '02:00', '03:00', '04:00', '05:00']);
    const step = (line.yMax - line.yMin) / 4;
    // Each of the four intervals is a round number (1, 2, 2.5 or 5 × 10^k), not 98.5.
    expect(String(step)).toMatch(/^(1|2|2\.5|5)0*$|^0\.0*(1|2|25|5)$/);
  });
});

describe('trying it locally: the banner shows the webhook secrets, `fleetops send` posts sample events', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(async () => {
    await t.stop();
  });
  const cli = (argv: string[]) => runCli(argv, t.dataDir);

  it('local mode: the secrets random for this run are in the banner and in DATA_DIR for this user only', () => {
    const local = t.bot.localWebhooks!;
    expect(local.url).toBe(t.url);
    expect(local.secrets.ALERTS_WEBHOOK_TOKEN).toMatch(/^[\w-]{20,}$/);
    expect(local.secrets.DEVOPS_WEBHOOK_PASSWORD).toMatch(/^[\w-]{20,}$/);
    const banner = localWebhookLines(local).join('\n');
    expect(banner).toContain(`POST ${t.url}/api/alerts?token=${local.secrets.ALERTS_WEBHOOK_TOKEN}`);
    expect(banner).toContain(`basic auth ${local.secrets.DEVOPS_WEBHOOK_USER} / ${local.secrets.DEVOPS_WEBHOOK_PASSWORD}`);
    expect(banner).toContain('npx fleetops send alert');
    expect(fs.statSync(path.join(t.dataDir, 'local-webhooks.json')).mode & 0o077).toBe(0);
  });

  it('`send alert` fires a card, `send alert --resolve` resolves it, `send pipeline` brings a run with its approval', async () => {
    await t.sayAndWait('subscribe alerts', { user: USERS.operator, conversation: 'channel' });
    await t.sayAndWait('subscribe deployments', { user: USERS.operator, conversation: 'channel' });
    const channel = t.conversationId('channel');
    const cards = () => t.connector.activities.filter((a) => a.conversationId === channel && a.activity.attachments?.length);

    const fired = await cli(['send', 'alert']);
    expect(fired).toMatchObject({ code: 0, err: '' });
    expect(fired.out).toMatch(/Fired a sample alert for device-42/);
    await t.connector.waitFor(() => cards().some((a) => a.kind === 'create' && cardJson(a).includes('Temperature high (sample)')));
    const card = cards().find((a) => a.kind === 'create' && cardJson(a).includes('Temperature high (sample)'))!;
    expect(cardJson(card)).toContain('where DeviceId = device-42');

    expect((await cli(['send', 'alert', '--resolve'])).code).toBe(0);
    await t.connector.waitFor(() => cards().some((a) => a.kind === 'update' && a.activityId === card.activityId && cardJson(a).includes('Resolved')));

    const pipeline = await cli(['send', 'pipeline']);
    expect(pipeline).toMatchObject({ code: 0, err: '' });
    await t.connector.waitFor(() => cards().some((a) => cardJson(a).includes('firmware-release') && cardJson(a).includes('Approval needed')));
    const run = cardJson(
      cards()
        .filter((a) => cardJson(a).includes('firmware-release'))
        .at(-1)!,
    );
    expect(run).toContain('Production');
    expect(run).toContain('"verb":"deployment.approve"');
  });

  it('`send` without a running local bot says how to start one', async () => {
    const { code, err } = await runCli(['send', 'alert'], fs.mkdtempSync(path.join(os.tmpdir(), 'fleetops-empty-')));
    expect(code).toBe(1);
    expect(err).toMatch(/start it first with `npm start`/);
  });
});
