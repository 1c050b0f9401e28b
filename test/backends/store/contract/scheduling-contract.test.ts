import { silentLogger } from '../../../../core/logger';
import { LEASE_RENEW_MS, LEASE_TTL_MS, LeasedScheduler } from '../../../../core/scheduling/scheduler';
import { ManualTimers } from '../../../../core/scheduling/timers';
import type { JobLeases } from '../../../../core/scheduling/job-leases';
import { ADAPTERS, type StoreUnderTest } from './adapters';

/**
 * Job leases, every adapter: what the scheduler relies on to run an 'on-one-replica' job on
 * exactly one replica. Time is ManualTimers' (the leases judge expiry on it too), so no
 * assertion depends on how fast the machine is.
 */
describe.each(ADAPTERS)('job leases on $name', (adapter) => {
  let store: StoreUnderTest;
  let timers: ManualTimers;
  let leases: JobLeases;
  beforeEach(async () => {
    store = await adapter.open();
    timers = new ManualTimers();
    leases = store.jobLeases(() => timers.now());
  });
  afterEach(async () => {
    await store.close();
  });

  test('acquire: free → taken; held by another → refused; own → renewed; expired → taken over; release frees it', async () => {
    expect(await leases.acquire('rollout-tick', 'a', 10_000)).toBe(true);
    expect(await leases.acquire('rollout-tick', 'b', 10_000)).toBe(false);
    expect(await leases.acquire('other-job', 'b', 10_000)).toBe(true);
    await timers.advance(9_000);
    expect(await leases.acquire('rollout-tick', 'a', 10_000)).toBe(true); // renewed until 19 s
    await timers.advance(9_000);
    expect(await leases.acquire('rollout-tick', 'b', 10_000)).toBe(false);
    await timers.advance(1_000);
    expect(await leases.acquire('rollout-tick', 'b', 10_000)).toBe(true);
    expect(await leases.acquire('rollout-tick', 'a', 10_000)).toBe(false);
    await leases.release('rollout-tick', 'a'); // not a's: nothing happens
    expect(await leases.acquire('rollout-tick', 'a', 10_000)).toBe(false);
    await leases.release('rollout-tick', 'b');
    expect(await leases.acquire('rollout-tick', 'a', 10_000)).toBe(true);
  });

  test('many holders racing for a free lease: exactly one gets it', async () => {
    const handles = Array.from({ length: 8 }, () => store.jobLeases(() => timers.now()));
    const won = await Promise.all(handles.map((h, i) => h.acquire('storm-flush', `replica-${i}`, 10_000)));
    expect(won.filter(Boolean)).toHaveLength(1);
  });

  describe('two schedulers on one database', () => {
    const replicas: LeasedScheduler[] = [];
    /** Moves time in small steps, letting each scheduler's database calls finish between them. */
    const step = async (ms: number) => {
      for (let t = 0; t < ms; t += 100) {
        await timers.advance(100);
        for (const r of replicas) await r.settled();
      }
    };
    afterEach(async () => {
      await Promise.all(replicas.splice(0).map((r) => r.stop()));
    });

    test('run an on-one-replica job on exactly one; when the holder stops renewing, the other takes over within the TTL plus one renewal', async () => {
      let aAnswers = true;
      const aLeases = store.jobLeases(() => timers.now());
      // Replica a "dies": its lease calls never answer again (its row stays, as after a kill -9).
      const dying: JobLeases = {
        acquire: (...args) => (aAnswers ? aLeases.acquire(...args) : new Promise<boolean>(() => undefined)),
        release: (...args) => (aAnswers ? aLeases.release(...args) : new Promise<void>(() => undefined)),
      };
      const a = new LeasedScheduler({ leases: dying, holder: 'replica-a', timers, log: silentLogger });
      const b = new LeasedScheduler({ leases: store.jobLeases(() => timers.now()), holder: 'replica-b', timers, log: silentLogger });
      replicas.push(b);
      const runs: Array<{ by: string; at: number }> = [];
      const spec = (by: string) => ({
        name: 'rollout-tick',
        runs: 'on-one-replica' as const,
        everyMs: 1_000,
        run: async () => void runs.push({ by, at: timers.now() }),
      });
      a.add(spec('a'));
      await a.settled();
      b.add(spec('b'));
      await step(10_000);
      expect(new Set(runs.map((r) => r.by))).toEqual(new Set(['a']));
      expect(runs.length).toBeGreaterThanOrEqual(9);

      aAnswers = false;
      const lastOfA = runs.at(-1)!.at;
      await step(LEASE_TTL_MS + LEASE_RENEW_MS + 500);
      const firstOfB = runs.find((r) => r.by === 'b');
      expect(firstOfB).toBeDefined();
      expect(firstOfB!.at - lastOfA).toBeLessThanOrEqual(LEASE_TTL_MS + LEASE_RENEW_MS + 1_000);
      // Never both: a stopped before b started.
      expect(runs.filter((r) => r.by === 'a').every((r) => r.at < firstOfB!.at)).toBe(true);
    });
  });
});
