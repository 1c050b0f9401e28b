import { Refusal } from '../../../core/refusal';
import { FakeFleet, type FirmwareReads } from './fake-fleet';
import { LEAD, OTHER_LEAD, makeWorld, run } from './world';

const plan = (w: ReturnType<typeof makeWorld>, extra: Partial<Parameters<ReturnType<typeof makeWorld>['service']['plan']>[0]> = {}) =>
  w.service.plan({ version: '2.4.1', filter: {}, filterText: '', actor: LEAD, conversationId: 'conv-1', ...extra });

describe.each<[FirmwareReads]>([['none'], ['full'], ['delta']])('rollout engine (firmware reads: %s)', (reads) => {
  it('plans without writing, then runs wave by wave with an approval between waves', async () => {
    const w = makeWorld(new FakeFleet(reads).add(100, (i) => ({ ring: i < 2 ? 'canary' : 'prod' })).add(3, () => ({ version: '2.4.1' })));
    const planned = await plan(w);
    expect(planned).toMatchObject({ targets: 103, alreadyCurrent: 3, waveSizes: [1, 9, 40, 50] });
    await w.service.tick();
    expect(w.fleet.writeLog).toHaveLength(0);

    const started = await w.service.actions.start(planned.rollout.id, 1, LEAD);
    expect(started).toMatchObject({ rollout: { state: 'running' }, message: expect.stringContaining('started wave 1') });
    await run(w, 1);
    expect(w.fleet.writeLog.map((x) => x.deviceId)).toHaveLength(1);
    expect(w.fleet.writeLog[0]!.patch).toEqual({
      firmware: expect.objectContaining({
        fwVersion: '2.4.1',
        rolloutId: 'R1',
        waveId: 1,
        attempt: 1,
        fwPackageCheckValue: expect.stringMatching(/^[0-9a-f]{64}$/),
      }),
    });
    expect(w.fleet.devices.get(w.fleet.writeLog[0]!.deviceId)!.ring).toBe('canary');

    await run(w, 12);
    let r = (await w.service.get('R1'))!;
    expect(r).toMatchObject({ state: 'awaiting-approval', currentWave: 2 });
    expect(w.fleet.writeLog).toHaveLength(1); // nothing of wave 2 before its approval

    for (let k = 2; k <= 4; k++) {
      expect((await w.service.actions.approve('R1', r.version, LEAD)).rollout.state).toBe('running');
      await run(w, 14);
      r = (await w.service.get('R1'))!;
    }
    expect(r.state).toBe('completed');
    const view = (await w.service.view('R1'))!;
    expect(view.totals).toMatchObject({ targets: 100, succeeded: 100, failed: 0 });
    expect(view.alreadyCurrent).toBe(3);
    expect([...w.fleet.devices.keys()].every((id) => w.fleet.writesFor(id) <= 1)).toBe(true);
    expect(await w.service.membershipOf('device-0005')).toMatchObject({ rolloutId: 'R1', state: 'succeeded', rolloutState: 'completed' });
  });

  it('pauses itself when the failure gate breaches and names the failing devices', async () => {
    const w = makeWorld(new FakeFleet(reads).add(200));
    const planned = await plan(w, { waves: [10, 100] });
    await w.service.actions.start(planned.rollout.id, 1, LEAD);
    const events = [];
    for (let i = 0; i < 14; i++) {
      events.push(...(await w.service.tick()));
      w.fleet.step((id) => (id.endsWith('3') ? 'error' : id.endsWith('7') ? 'rollback' : undefined));
      w.clock.advance(60_000);
    }
    const r = (await w.service.get('R1'))!;
    expect(r.state).toBe('paused');
    expect(r.pauseReason).toMatch(/^Wave 1 gate: failures reached/);
    const breach = events.find((e) => e.kind === 'gate-breached');
    expect(breach).toBeDefined();
    if (breach?.kind === 'gate-breached') {
      expect(breach.failing.length).toBeGreaterThan(0);
      expect(breach.failing[0]!.reason).toMatch(/error: image rejected|rolled back/);
    }
    const writesAtPause = w.fleet.writeLog.length;
    await run(w, 5);
    expect(w.fleet.writeLog.length).toBe(writesAtPause);

    // Resume acknowledges the counted failures; retry puts them back in the queue.
    const retried = await w.service.actions.retryFailed('R1', r.version, LEAD);
    expect(retried.message).toMatch(/queued again/);
    expect((await w.service.actions.resume('R1', undefined, LEAD)).rollout.state).toBe('running');
    await run(w, 14);
    expect(w.fleet.writeLog.length).toBeGreaterThan(writesAtPause);
  });

  it('stops writing within one tick of a pause, between batches', async () => {
    const w = makeWorld(new FakeFleet(reads).add(300), { dispatchPerSecond: 30 }, { batchSize: 10 });
    const planned = await plan(w, { waves: [100] });
    await w.service.actions.start(planned.rollout.id, 1, LEAD);
    const original = w.fleet.updateDesired.bind(w.fleet);
    let calls = 0;
    w.fleet.updateDesired = async (ids, patch) => {
      calls++;
      if (calls === 2) await w.service.actions.pause('R1', undefined, { name: 'Ona Operator' });
      return original(ids, patch);
    };
    await w.service.tick();
    expect(calls).toBe(2);
    expect(w.fleet.writeLog).toHaveLength(20);
    expect((await w.service.get('R1'))!.state).toBe('paused');
  });

  it('makes exactly one transition when two leads click the same card', async () => {
    const w = makeWorld(new FakeFleet(reads).add(20));
    const planned = await plan(w);
    const v = planned.rollout.version;
    const first = await w.service.actions.start('R1', v, LEAD);
    expect(first.rollout.state).toBe('running');
    await expect(w.service.actions.start('R1', v, OTHER_LEAD)).rejects.toMatchObject({
      code: 'rollout_stale',
      facts: { rolloutId: 'R1', lastBy: 'Lena Lead', lastWhat: 'started wave 1', lastAt: '2026-03-01T09:00:00.000Z', state: 'running' },
    });
    expect((await w.service.get('R1'))!.version).toBe(v + 1);
    await expect(w.service.actions.resume('R1', undefined, LEAD)).rejects.toMatchObject({
      code: 'rollout_not_resumable',
      facts: { state: 'running', currentWave: 1 },
    });
  });

  it('refuses unknown versions, empty targets and overlapping rollouts, naming the conflict', async () => {
    const w = makeWorld(new FakeFleet(reads).add(20, (i) => ({ site: i < 10 ? 'berlin' : 'paris' })));
    await expect(plan(w, { version: '9.9.9' })).rejects.toMatchObject({
      code: 'firmware_not_in_catalog',
      facts: { version: '9.9.9', known: expect.arrayContaining(['3.0.0-beta.1']) },
    });
    await expect(plan(w, { filter: { site: 'rome' }, filterText: 'site:rome' })).rejects.toMatchObject({
      code: 'rollout_no_matching_devices',
      facts: { filterText: 'site:rome' },
    });
    await expect(plan(w, { version: '3.0.0-beta.1' })).rejects.toMatchObject({
      code: 'rollout_nothing_to_roll_out',
      facts: { targets: 20, incompatible: 20, incompatibleModels: { 'sensor-s1': 20 }, compatibleModels: ['gateway-g2'] },
    });
    const first = await plan(w, { filter: { site: 'berlin' }, filterText: 'site:berlin' });
    await w.service.actions.start(first.rollout.id, undefined, LEAD);
    const err = await plan(w, { version: '2.5.0' }).catch((e) => e);
    expect(err).toBeInstanceOf(Refusal);
    expect(err).toMatchObject({
      code: 'rollout_targets_overlap',
      facts: { conflicts: [{ rolloutId: 'R1', state: 'running', devices: 10, example: 'device-0001' }] },
    });
    const paris = await plan(w, { version: '2.5.0', filter: { site: 'paris' }, filterText: 'site:paris' });
    expect(paris.rollout.id).toBe('R2'); // the refused plan left nothing behind
  });

  it('aborts: cancels the queue and sets not-yet-started devices back to their version', async () => {
    const w = makeWorld(new FakeFleet(reads).add(50));
    const planned = await plan(w, { waves: [20, 100] });
    await w.service.actions.start(planned.rollout.id, undefined, LEAD);
    await w.service.tick(); // 10 devices written, none started
    const outcome = await w.service.actions.abort('R1', undefined, LEAD, { revert: true });
    expect(outcome.rollout.state).toBe('aborted');
    expect(outcome.message).toMatch(/40 queued devices canceled; 10 not-yet-started devices set back/);
    const reverted = w.fleet.writeLog.filter((x) => (x.patch.firmware as { fwVersion: string }).fwVersion === '2.4.0');
    expect(reverted).toHaveLength(10);
    expect((await w.service.view('R1'))!.totals.canceled).toBe(50);
  });

  it('times out devices that never report, and skips offline devices', async () => {
    const w = makeWorld(new FakeFleet(reads).add(10, (i) => ({ connection: i === 0 ? 'Disconnected' : 'Connected' })));
    await plan(w, { waves: [100] });
    await w.service.actions.start('R1', undefined, LEAD);
    await w.service.tick();
    w.clock.advance(31 * 60_000);
    await w.service.tick();
    const view = (await w.service.view('R1'))!;
    expect(view.totals).toMatchObject({ skippedOffline: 1, timedOut: 9 });
    expect((await w.service.get('R1'))!.state).toBe('paused');
  });

  it('continues after a crash right after a desired write without writing any device twice', async () => {
    const w = makeWorld(new FakeFleet(reads).add(30));
    await plan(w, { waves: [100] });
    await w.service.actions.start('R1', undefined, LEAD);
    w.fleet.crashAfterWrite = true;
    await w.service.tick(); // the first batch is written, then the "process" dies before confirming
    w.restart();
    await run(w, 14);
    expect((await w.service.get('R1'))!.state).toBe('completed');
    expect([...w.fleet.devices.keys()].map((id) => w.fleet.writesFor(id))).toEqual(Array(30).fill(1));
  });
});
