import { USERS, type TestBot } from '../support/bot-harness';
import { startManualTimeBot, type ManualTimeBot } from '../support/manual-time-bot';
import { cardJson, type RecordedActivity } from '../support/recording-connector';

/**
 * Firmware rollouts over the Bot Framework protocol, on the real server with a 300-device
 * simulated fleet. Time is a ManualClock: the test moves it and runs the simulator and the
 * rollout tick itself, so a rollout of several simulated minutes takes no real waiting.
 */
jest.setTimeout(60_000);

describe('firmware rollouts end to end', () => {
  let t: TestBot;
  let world: ManualTimeBot;
  beforeAll(async () => {
    world = await startManualTimeBot({ SIM_DEVICES: '300', SIM_SEED: '11' });
    t = world.t;
  });
  afterAll(async () => {
    await t.stop();
  });

  const fleet = () => t.bot.provided('fleet')!.fleet;
  const rollout = async (id: string) => (await t.bot.provided('rollouts')!.rollouts.get(id))!;
  const channel = () => t.conversationId('channel');
  const cardsIn = (conversationId: string) => t.connector.activities.filter((a) => a.conversationId === conversationId && a.activity.attachments?.length);
  const run = (seconds: number, until?: () => boolean | Promise<boolean>) => world.run(seconds, until);

  async function say(text: string, user: (typeof USERS)[keyof typeof USERS], conversation: 'personal' | 'channel' = 'personal'): Promise<string> {
    // The answer, not a proactive card update racing it: the first new message that is not an update.
    const before = t.connector.activities.length;
    const answer = () => t.connector.activities.slice(before).find((a) => a.activity.type === 'message' && a.kind !== 'update' && !isProactiveRolloutCard(a));
    await t.say(text, { user, conversation });
    await t.connector.waitFor(() => answer() !== undefined);
    const last = answer()!.activity;
    return last.text ?? JSON.stringify(last.attachments?.[0]?.content ?? {});
  }

  /** First posts of the progress and alert cards (the outbox's), as opposed to answers. */
  const isProactiveRolloutCard = (a: RecordedActivity) => /"text":"(Rollout R\d+ ·|⛔ Rollout R\d+ paused itself)/.test(cardJson(a));

  const devicesOf = async (rolloutId: string) => (await fleet().readFirmwareStates!({ rolloutId })).devices;

  test('a release lead plans, starts and approves wave by wave; viewers and operators meet their limits; subscribers see the card update in place', async () => {
    expect(await say('subscribe rollouts', USERS.operator, 'channel')).toMatch(/Subscribed/);

    // Plan: a card with the waves, and nothing written to any device.
    const plan = await say('rollout plan 2.4.1 waves 10,50,100', USERS.releaseLead);
    expect(plan).toContain('Rollout plan R1: firmware 2.4.1');
    expect(plan).toContain('Nothing has been written to any device');
    expect(plan).toContain('"verb":"rollout.start"');
    await run(30);
    expect(await devicesOf('R1')).toEqual([]);
    expect((await rollout('R1')).state).toBe('planned');

    // A viewer clicking Start is told which role it needs, and the attempt is audited.
    const denied = await t.click('rollout.start', { id: 'R1', version: (await rollout('R1')).version }, { user: USERS.viewer });
    expect(JSON.stringify(denied)).toMatch(/needs the release-lead role; you are a viewer/);
    expect(await t.bot.services.audit.latest(5)).toContainEqual(
      expect.objectContaining({ action: 'rollout.start', outcome: 'denied', actorName: USERS.viewer.name }),
    );
    expect((await rollout('R1')).state).toBe('planned');

    // The release lead starts: the answer is the progress card; wave 1 is written at the next tick.
    const started = await t.click('rollout.start', { id: 'R1', version: (await rollout('R1')).version }, { user: USERS.releaseLead });
    expect(started.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(started.value)).toContain('Running wave 1 of 3');
    await run(10);
    const wave1 = (await rollout('R1')).waves[0]!.size;
    expect((await devicesOf('R1')).length).toBeLessThanOrEqual(wave1);
    expect((await devicesOf('R1')).length).toBeGreaterThan(0);

    // The channel got the progress card once; later ticks update that same message.
    await t.connector.waitFor(() => cardsIn(channel()).some((a) => a.kind === 'create' && cardJson(a).includes('Rollout R1')));
    const channelCard = cardsIn(channel()).find((a) => a.kind === 'create' && cardJson(a).includes('Rollout R1'))!;
    expect(cardJson(channelCard)).toContain('"userIds":["8:orgid:aad-lead","8:orgid:aad-admin"]');

    // `status` of a device in wave 1 names the rollout and the wave.
    const inWave = (await devicesOf('R1'))[0]!.deviceId;
    expect(await say(`status ${inWave}`, USERS.viewer)).toMatch(/R1, wave 1/);

    // Wave 1 passes its gate after the update and the soak; wave 2 waits for approval.
    await run(400, async () => (await rollout('R1')).state === 'awaiting-approval');
    expect(await rollout('R1')).toMatchObject({ state: 'awaiting-approval', currentWave: 2 });
    const afterWave1 = (await devicesOf('R1')).length;
    await run(30);
    expect((await devicesOf('R1')).length).toBe(afterWave1); // nothing of wave 2 before its approval
    await t.connector.waitFor(() =>
      cardsIn(channel()).some((a) => a.kind === 'update' && a.activityId === channelCard.activityId && cardJson(a).includes('Wave 2 awaits approval')),
    );

    // Two release leads click Approve on the same card: exactly one transition, the other is told what happened.
    const version = (await rollout('R1')).version;
    const [first, second] = await Promise.all([
      t.click('rollout.approve', { id: 'R1', version }, { user: USERS.releaseLead }),
      t.click('rollout.approve', { id: 'R1', version }, { user: USERS.admin }),
    ]);
    const bodies = [JSON.stringify(first), JSON.stringify(second)];
    expect(bodies.filter((b) => b.includes('Running wave 2 of 3') && !b.includes('Nothing changed'))).toHaveLength(1);
    expect(bodies.filter((b) => /Nothing changed: someone acted first\. .* approved wave 2/.test(b))).toHaveLength(1);
    expect((await rollout('R1')).version).toBe(version + 1);

    // An operator may pause (anyone on call can stop the line) but not resume.
    await run(10);
    expect(await say('rollout pause R1', USERS.viewer)).toMatch(/needs the \*\*operator\*\* role/);
    expect(await say('rollout pause R1', USERS.operator)).toMatch(/Otto Operator paused wave 2 of R1/);
    const writesAtPause = (await devicesOf('R1')).length;
    await run(30);
    expect((await devicesOf('R1')).length).toBe(writesAtPause);
    expect(await say('rollout resume R1', USERS.operator)).toMatch(/needs the \*\*release-lead\*\* role/);
    expect(await say('rollout resume R1', USERS.releaseLead)).toMatch(/Rita Lead resumed wave 2 of R1/);

    // A stale card (the version before the resume) changes nothing and says what happened.
    const stale = await t.click('rollout.pause', { id: 'R1', version }, { user: USERS.operator });
    expect(JSON.stringify(stale)).toMatch(/Nothing changed: someone acted first\. Rita Lead resumed wave 2/);
    expect((await rollout('R1')).state).toBe('running');

    // Wave 2 passes, wave 3 is approved and the rollout completes.
    await run(400, async () => (await rollout('R1')).state === 'awaiting-approval');
    expect(await rollout('R1')).toMatchObject({ state: 'awaiting-approval', currentWave: 3 });
    expect(JSON.stringify(await t.click('rollout.approve', { id: 'R1', version: (await rollout('R1')).version }, { user: USERS.releaseLead }))).toContain(
      'Running wave 3 of 3',
    );
    await run(600, async () => (await rollout('R1')).state === 'completed');
    expect((await rollout('R1')).state).toBe('completed');
    await t.connector.waitFor(() =>
      cardsIn(channel()).some((a) => a.kind === 'update' && a.activityId === channelCard.activityId && cardJson(a).includes('Completed')),
    );
    expect(cardsIn(channel()).filter((a) => a.kind === 'create' && cardJson(a).includes('Rollout R1 ·'))).toHaveLength(1);
    expect(await say('rollouts', USERS.viewer)).toMatch(/\*\*R1\*\* firmware 2\.4\.1 → whole fleet · completed/);
  });

  test('the bad version breaches its gate: the rollout pauses itself with an alert naming failing devices; resume and abort are for release leads', async () => {
    expect(await say('rollout plan 2.5.0 to ring:broad waves 20,100', USERS.operator)).toContain('Rollout plan R2: firmware 2.5.0');
    // 2.5.0 is marked bad in the catalog: Start asks first, naming the flag; the confirmation starts it.
    const ask = JSON.stringify(await t.click('rollout.start', { id: 'R2', version: 1 }, { user: USERS.releaseLead }));
    expect(ask).toContain('marks 2.5.0 as **bad**');
    expect((await rollout('R2')).state).toBe('planned');
    expect(JSON.stringify(await t.click('rollout.start', { id: 'R2', version: 1, confirmed: true }, { user: USERS.releaseLead }))).toContain(
      'Running wave 1 of 2',
    );

    await run(400, async () => (await rollout('R2')).state === 'paused');
    const paused = await rollout('R2');
    expect(paused).toMatchObject({ state: 'paused', currentWave: 1, lastChange: expect.objectContaining({ by: 'the health gate' }) });
    expect(paused.pauseReason).toMatch(/^Wave 1 gate: failures reached/);

    // The alert card goes to the subscribed channel: why it paused, which devices failed, their last log lines.
    await t.connector.waitFor(() => cardsIn(channel()).some((a) => cardJson(a).includes('Rollout R2 paused itself at wave 1')));
    const alert = cardJson(cardsIn(channel()).find((a) => cardJson(a).includes('Rollout R2 paused itself at wave 1'))!);
    const failing = (await t.bot.provided('rollouts')!.rollouts.view('R2'))!.firstFailures.map((d) => d.deviceId);
    expect(failing.length).toBeGreaterThan(0);
    expect(alert).toContain(`**${failing[0]}**`);
    expect(alert).toMatch(/failed|rolled-back/);
    expect(alert).toMatch(/\d\d:\d\d:\d\d Error firmware 2\.5\.0/); // the failing device's last log lines

    // Paused by the gate, nothing new is written.
    const written = (await devicesOf('R2')).length;
    await run(30);
    expect((await devicesOf('R2')).length).toBe(written);

    // "Exclude a device…" on the cards lists the failures; a viewer who clicks Exclude anyway is told the role it needs, and audited.
    expect(alert).toContain('"verb":"rollout.exclude"');
    const progressCard = cardJson(
      cardsIn(channel())
        .filter((a) => cardJson(a).includes('Rollout R2 · firmware 2.5.0'))
        .at(-1)!,
    );
    expect(progressCard).toContain('Exclude a device…');
    expect(progressCard).toContain(`"value":"${failing[0]}"`);
    const target = failing[0]!;
    const excludeData = async () => ({ id: 'R2', version: (await rollout('R2')).version, deviceId: target });
    expect(JSON.stringify(await t.click('rollout.exclude', await excludeData(), { user: USERS.viewer }))).toMatch(
      /needs the release-lead role; you are a viewer/,
    );
    expect(await t.bot.services.audit.latest(10)).toContainEqual(
      expect.objectContaining({ action: 'rollout.exclude', outcome: 'denied', actorName: USERS.viewer.name }),
    );
    expect(await t.bot.provided('rollouts')!.rollouts.membershipOf(target)).toMatchObject({
      rolloutId: 'R2',
      state: expect.stringMatching(/failed|rolled-back|timed-out/),
    });
    // The release lead excludes it: the card comes back without it among the failures, and says who excluded what.
    const cardVersion = (await rollout('R2')).version;
    const excluded = await t.click('rollout.exclude', await excludeData(), { user: USERS.releaseLead });
    expect(excluded.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(excluded.value)).toContain(`excluded ${target}`);
    expect(await rollout('R2')).toMatchObject({
      state: 'paused',
      version: cardVersion + 1,
      lastChange: expect.objectContaining({ by: USERS.releaseLead.name, what: `excluded ${target}` }),
    });
    expect(await t.bot.provided('rollouts')!.rollouts.membershipOf(target)).toMatchObject({
      rolloutId: 'R2',
      state: 'canceled',
      reason: `excluded by ${USERS.releaseLead.name}`,
    });
    expect((await t.bot.provided('rollouts')!.rollouts.view('R2'))!.firstFailures.map((d) => d.deviceId)).not.toContain(target);
    expect(await t.bot.services.audit.latest(10)).toContainEqual(expect.objectContaining({ action: 'rollout.exclude', actorName: USERS.releaseLead.name }));
    // The same click from the older card changes nothing and says what happened.
    const late = JSON.stringify(await t.click('rollout.exclude', { id: 'R2', version: cardVersion, deviceId: target }, { user: USERS.admin }));
    expect(late).toMatch(new RegExp(`Nothing changed: someone acted first\\. ${USERS.releaseLead.name} excluded ${target}`));
    expect((await rollout('R2')).version).toBe(cardVersion + 1);

    // A viewer clicking Resume is refused and audited; an operator too; the release lead aborts and reverts.
    expect(JSON.stringify(await t.click('rollout.resume', { id: 'R2', version: (await rollout('R2')).version }, { user: USERS.viewer }))).toMatch(
      /needs the release-lead role/,
    );
    expect(JSON.stringify(await t.click('rollout.abort', { id: 'R2', version: (await rollout('R2')).version }, { user: USERS.operator }))).toMatch(
      /needs the release-lead role/,
    );
    expect(await t.bot.services.audit.latest(10)).toContainEqual(
      expect.objectContaining({ action: 'rollout.resume', outcome: 'denied', actorName: USERS.viewer.name }),
    );
    // The card's "Abort and revert" (release lead): the queue is canceled, not-started devices get their version back.
    // Abort asks first (a confirmation card, nothing changed yet); the confirmation aborts.
    const asked = JSON.stringify(
      await t.click('rollout.abort', { id: 'R2', version: (await rollout('R2')).version, revert: true }, { user: USERS.releaseLead }),
    );
    expect(asked).toContain('Abort rollout R2?');
    expect((await rollout('R2')).state).toBe('paused');
    const aborted = await t.click(
      'rollout.abort',
      { id: 'R2', version: (await rollout('R2')).version, revert: true, confirmed: true },
      { user: USERS.releaseLead },
    );
    expect(aborted.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(aborted.value)).toContain('⏹ Aborted');
    expect(await rollout('R2')).toMatchObject({ state: 'aborted', lastChange: expect.objectContaining({ by: USERS.releaseLead.name, what: 'aborted' }) });
    expect((await t.bot.provided('rollouts')!.rollouts.view('R2'))!.totals.queued).toBe(0);
    expect(JSON.stringify(await t.click('rollout.resume', { id: 'R2', version: (await rollout('R2')).version }, { user: USERS.releaseLead }))).toMatch(
      /Nothing changed: R2 is aborted/,
    );
  });
});
