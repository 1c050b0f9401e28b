import { silentLogger } from '../../../core/logger';
import { InMemoryJobLeases, type JobLeases } from '../../../core/scheduling/job-leases';
import { LEASE_RENEW_MS, LEASE_TTL_MS, LeasedScheduler, type JobSpec } from '../../../core/scheduling/scheduler';
import { ManualTimers } from '../../../core/scheduling/timers';

/** Two replicas' schedulers on one lease store, on time the test moves. */
function world() {
  const timers = new ManualTimers();
  const leases = new InMemoryJobLeases(() => timers.now());
  const replica = (holder: string, store: JobLeases = leases) => new LeasedScheduler({ leases: store, holder, timers, log: silentLogger });
  const settle = async (...schedulers: LeasedScheduler[]) => {
    for (const s of schedulers) await s.settled();
  };
  return { timers, leases, replica, settle };
}

/** Leases whose calls stop answering once `die()` is called: a kill -9 leaves the holder's lease in the table. */
function dyingLeases(leases: JobLeases): JobLeases & { die(): void } {
  let dead = false;
  return {
    acquire: (...args) => (dead ? new Promise<boolean>(() => undefined) : leases.acquire(...args)),
    release: (...args) => (dead ? new Promise<void>(() => undefined) : leases.release(...args)),
    die: () => {
      dead = true;
    },
  };
}

/** A job that records when it ran (ms since the test started) and can be held open. */
function recorder(timers: ManualTimers, spec: Partial<JobSpec> & Pick<JobSpec, 'runs'>) {
  const start = timers.now();
  const runs: number[] = [];
  let release: (() => void) | undefined;
  let hold = false;
  const job: JobSpec = {
    name: 'job',
    ...spec,
    run: async () => {
      runs.push(timers.now() - start);
      if (hold) await new Promise<void>((resolve) => (release = resolve));
    },
  };
  return {
    job,
    runs,
    holdRuns: () => {
      hold = true;
    },
    finishRun: () => {
      hold = false;
      release?.();
    },
  };
}

describe('LeasedScheduler', () => {
  test('an interval job runs every everyMs after its previous run, first after firstAfterMs', async () => {
    const { timers, replica } = world();
    const scheduler = replica('a');
    const r = recorder(timers, { runs: 'on-every-replica', everyMs: 1_000, firstAfterMs: 0 });
    scheduler.add(r.job);
    await timers.advance(3_500);
    expect(r.runs).toEqual([0, 1_000, 2_000, 3_000]);
    await scheduler.stop();
    await timers.advance(5_000);
    expect(r.runs).toHaveLength(4);
  });

  test('an aligned job runs at multiples of everyMs on the clock, like */10 s in cron', async () => {
    const timers = new ManualTimers(Date.parse('2026-01-01T00:00:03Z'));
    const scheduler = new LeasedScheduler({ leases: new InMemoryJobLeases(() => timers.now()), holder: 'a', timers, log: silentLogger });
    const seconds: number[] = [];
    scheduler.add({
      name: 'tick',
      runs: 'on-one-replica',
      everyMs: 10_000,
      aligned: true,
      run: async () => void seconds.push(new Date(timers.now()).getUTCSeconds()),
    });
    await timers.advance(30_000);
    expect(seconds).toEqual([10, 20, 30 % 60]);
    await scheduler.stop();
  });

  test('runs never overlap: a wake during a run makes one more run right after it', async () => {
    const { timers, replica } = world();
    const scheduler = replica('a');
    const r = recorder(timers, { runs: 'on-every-replica', everyMs: 10_000, firstAfterMs: 0 });
    const job = scheduler.add(r.job);
    r.holdRuns();
    await timers.advance(0);
    expect(r.runs).toEqual([0]);
    job.wake();
    job.wake();
    await timers.advance(5_000);
    expect(r.runs).toEqual([0]);
    r.finishRun();
    await timers.advance(0);
    expect(r.runs).toEqual([0, 5_000]);
    await scheduler.stop();
  });

  test('a run can ask for its next run sooner than its interval (the outbox when a rate window reopens)', async () => {
    const { timers, replica } = world();
    const scheduler = replica('a');
    const at: number[] = [];
    const start = timers.now();
    scheduler.add({
      name: 'drain',
      runs: 'on-every-replica',
      everyMs: 5_000,
      firstAfterMs: 0,
      run: async () => {
        at.push(timers.now() - start);
        return { nextInMs: at.length === 1 ? 300 : undefined };
      },
    });
    await timers.advance(6_000);
    expect(at).toEqual([0, 300, 5_300]);
    await scheduler.stop();
  });

  test('a job without everyMs runs once (the logs warm-up)', async () => {
    const { timers, replica } = world();
    const scheduler = replica('a');
    const r = recorder(timers, { runs: 'on-every-replica', firstAfterMs: 1_000 });
    scheduler.add(r.job);
    await timers.advance(10_000);
    expect(r.runs).toEqual([1_000]);
    await scheduler.stop();
  });

  test('a failing run is logged and the job runs again at its next time', async () => {
    const { timers, replica } = world();
    const scheduler = replica('a');
    let runs = 0;
    scheduler.add({
      name: 'flaky',
      runs: 'on-every-replica',
      everyMs: 1_000,
      run: async () => {
        runs++;
        throw new Error('boom');
      },
    });
    await timers.advance(3_000);
    expect(runs).toBe(3);
    await scheduler.stop();
  });

  test('two replicas: an on-one-replica job runs on exactly one of them; an on-every-replica job on both', async () => {
    const { timers, replica } = world();
    const [a, b] = [replica('a'), replica('b')];
    const leased = [recorder(timers, { runs: 'on-one-replica', everyMs: 1_000 }), recorder(timers, { runs: 'on-one-replica', everyMs: 1_000 })];
    const local = [
      recorder(timers, { name: 'local', runs: 'on-every-replica', everyMs: 1_000 }),
      recorder(timers, { name: 'local', runs: 'on-every-replica', everyMs: 1_000 }),
    ];
    const jobs = [a.add(leased[0]!.job), b.add(leased[1]!.job)];
    a.add(local[0]!.job);
    b.add(local[1]!.job);
    await timers.advance(20_000);
    expect(leased[0]!.runs).toHaveLength(20);
    expect(leased[1]!.runs).toEqual([]);
    expect(jobs.map((j) => j.active)).toEqual([true, false]);
    expect(local.map((l) => l.runs.length)).toEqual([20, 20]);
    // A woken job on the replica without the lease does nothing.
    jobs[1]!.wake();
    await timers.advance(0);
    expect(leased[1]!.runs).toEqual([]);
    await Promise.all([a.stop(), b.stop()]);
  });

  test('when the holder stops renewing, the other replica takes the job within the lease TTL plus one renewal', async () => {
    const { timers, leases, replica } = world();
    // Replica a's database calls stop answering once it "dies" (a kill -9 leaves its lease in the table).
    const dying = dyingLeases(leases);
    const a = replica('a', dying);
    const b = replica('b');
    const ra = recorder(timers, { runs: 'on-one-replica', everyMs: 1_000 });
    const rb = recorder(timers, { runs: 'on-one-replica', everyMs: 1_000 });
    a.add(ra.job);
    await timers.advance(0);
    b.add(rb.job);
    await timers.advance(5_000);
    expect(rb.runs).toEqual([]);
    dying.die();
    const deathAt = ra.runs.at(-1)!;
    // a keeps no lease it cannot renew: it stops by its own clock before the lease runs out in the store.
    await timers.advance(LEASE_TTL_MS + LEASE_RENEW_MS);
    expect(ra.runs.at(-1)!).toBeLessThan(deathAt + LEASE_TTL_MS);
    expect(rb.runs.length).toBeGreaterThan(0);
    expect(rb.runs[0]! - deathAt).toBeLessThanOrEqual(LEASE_TTL_MS + LEASE_RENEW_MS + 1_000);
    expect(LEASE_TTL_MS + LEASE_RENEW_MS).toBeLessThan(15_000);
    // No moment where both ran: every b run comes after a's last.
    expect(rb.runs[0]!).toBeGreaterThan(ra.runs.at(-1)!);
    await b.stop();
  });

  test('a job taken over runs at once, not after its interval: a 10-second tick resumes within TTL + RENEW of the death', async () => {
    const { timers, leases, replica } = world();
    const dying = dyingLeases(leases);
    const a = replica('a', dying);
    const b = replica('b');
    const t0 = timers.now();
    const ra = recorder(timers, { runs: 'on-one-replica', everyMs: 10_000, aligned: true });
    const rb = recorder(timers, { runs: 'on-one-replica', everyMs: 10_000, aligned: true });
    a.add(ra.job);
    await timers.advance(0);
    b.add(rb.job);
    await timers.advance(10_500);
    dying.die();
    const deathAt = timers.now() - t0;
    await timers.advance(30_000);
    expect(rb.runs.length).toBeGreaterThan(0);
    expect(rb.runs[0]! - deathAt).toBeLessThanOrEqual(LEASE_TTL_MS + LEASE_RENEW_MS);
    await b.stop();
  });

  test('a clean stop gives the lease back: the other replica takes the job at its next renewal', async () => {
    const { timers, replica } = world();
    const [a, b] = [replica('a'), replica('b')];
    const ra = recorder(timers, { runs: 'on-one-replica', everyMs: 1_000, firstAfterMs: 0 });
    const rb = recorder(timers, { runs: 'on-one-replica', everyMs: 1_000, firstAfterMs: 0 });
    a.add(ra.job);
    await timers.advance(0);
    b.add(rb.job);
    await timers.advance(2_000);
    await a.stop();
    const stoppedAt = 2_000;
    await timers.advance(LEASE_RENEW_MS);
    expect(rb.runs[0]! - stoppedAt).toBeLessThanOrEqual(LEASE_RENEW_MS);
    await b.stop();
  });

  test('a stop waits for the run in progress', async () => {
    const { timers, replica } = world();
    const scheduler = replica('a');
    const r = recorder(timers, { runs: 'on-every-replica', everyMs: 1_000, firstAfterMs: 0 });
    scheduler.add(r.job);
    r.holdRuns();
    await timers.advance(0);
    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    await timers.advance(0);
    expect(stopped).toBe(false);
    r.finishRun();
    await stopping;
    expect(stopped).toBe(true);
  });

  test('two jobs of one name on one scheduler are refused', () => {
    const { replica } = world();
    const scheduler = replica('a');
    scheduler.add({ name: 'x', runs: 'on-every-replica', run: async () => undefined });
    expect(() => scheduler.add({ name: 'x', runs: 'on-every-replica', run: async () => undefined })).toThrow(/already scheduled/);
  });
});
