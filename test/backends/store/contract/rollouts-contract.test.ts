import { ManualClock } from '../../../../core/clock';
import { RolloutService } from '../../../../core/rollouts/service';
import { FakeFleet } from '../../../core/rollouts/fake-fleet';
import { catalogOf, LEAD, OTHER_LEAD } from '../../../core/rollouts/world';
import { ADAPTERS, type StoreUnderTest } from './adapters';

/** The rollouts store as the engine and the card actions use it, on every adapter. */
describe.each(ADAPTERS)('rollouts store contract on $name', (adapter) => {
  let store: StoreUnderTest;
  beforeEach(async () => {
    store = await adapter.open();
  });
  afterEach(async () => {
    await store.close();
  });

  function world(fleet: FakeFleet) {
    const clock = new ManualClock(new Date('2026-03-01T09:00:00Z'));
    const service = new RolloutService({
      repo: store.rollouts,
      unitOfWork: store.unitOfWork,
      fleet,
      catalog: catalogOf(),
      clock,
      defaults: { dispatchPerSecond: 1000 },
      engine: { batchSize: 50 },
    });
    const run = async (steps: number) => {
      for (let i = 0; i < steps; i++) {
        await service.tick();
        fleet.step();
        clock.advance(60_000);
      }
    };
    return { service, run };
  }

  test('plans, runs wave by wave with approvals, writes each device once, completes', async () => {
    const fleet = new FakeFleet('delta').add(60, (i) => ({ ring: i < 2 ? 'canary' : 'prod' })).add(2, () => ({ version: '2.4.1' }));
    const w = world(fleet);
    const planned = await w.service.plan({ version: '2.4.1', filter: {}, filterText: '', actor: LEAD, conversationId: 'conv-1', waves: [2, 58] });
    expect(planned).toMatchObject({ targets: 62, alreadyCurrent: 2 });
    expect((await w.service.actions.start(planned.rollout.id, 1, LEAD)).rollout.state).toBe('running');
    await w.run(14);
    let r = (await w.service.get(planned.rollout.id))!;
    expect(r).toMatchObject({ state: 'awaiting-approval', currentWave: 2 });

    // Two release leads click Approve on the same card at once: one transition, the other is told.
    const [a, b] = await Promise.allSettled([w.service.actions.approve(r.id, r.version, LEAD), w.service.actions.approve(r.id, r.version, OTHER_LEAD)]);
    expect([a.status, b.status].sort()).toEqual(['fulfilled', 'rejected']);
    expect(a.status === 'rejected' ? a.reason : b.status === 'rejected' ? b.reason : undefined).toMatchObject({ code: 'rollout_stale' });
    await w.run(16);
    r = (await w.service.get(r.id))!;
    expect(r.state).toBe('completed');
    const totals = (await w.service.view(r.id))!.totals;
    expect(totals.succeeded).toBe(totals.targets);
    expect(totals.targets).toBeGreaterThan(30);
    expect([...fleet.devices.keys()].every((id) => fleet.writesFor(id) <= 1)).toBe(true);
    expect(await w.service.membershipOf(fleet.writeLog[0]!.deviceId)).toMatchObject({ rolloutId: r.id, state: 'succeeded', rolloutState: 'completed' });
    expect((await w.service.list()).map((x) => x.id)).toEqual([r.id]);
  });

  test('abort cancels the queue with the transition; exclude and a refused overlapping plan change nothing else', async () => {
    const fleet = new FakeFleet('none').add(30);
    const w = world(fleet);
    const first = await w.service.plan({ version: '2.4.1', filter: {}, filterText: '', actor: LEAD, waves: [5, 25] });
    await w.service.actions.start(first.rollout.id, undefined, LEAD);
    await w.run(1);
    await expect(w.service.plan({ version: '2.4.1', filter: {}, filterText: '', actor: LEAD })).rejects.toMatchObject({
      code: 'rollout_targets_overlap',
      facts: { conflicts: [expect.objectContaining({ rolloutId: 'R1' })] },
    });
    const [queued] = await store.rollouts.devices(first.rollout.id, ['queued'], { limit: 1 });
    const excluded = await w.service.actions.exclude(first.rollout.id, queued!.deviceId, LEAD);
    expect(excluded.message).toContain(`excluded ${queued!.deviceId}`);
    await expect(w.service.actions.exclude(first.rollout.id, queued!.deviceId, LEAD)).rejects.toMatchObject({ code: 'rollout_device_not_excludable' });
    const aborted = await w.service.actions.abort(first.rollout.id, undefined, LEAD);
    expect(aborted).toMatchObject({ rollout: { state: 'aborted' } });
    const canceled = (await store.rollouts.waveCounts(first.rollout.id)).reduce((n, w) => n + (w.counts.canceled ?? 0), 0);
    expect(canceled).toBeGreaterThan(1);
    expect(await store.rollouts.devices(first.rollout.id, ['queued'])).toEqual([]);
  });
});
