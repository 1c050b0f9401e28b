import type { Logger } from '../logger';
import type { JobLeases } from './job-leases';
import type { Cancel, Timers } from './timers';

/**
 * Where a job runs when there are several replicas:
 * - 'on-one-replica': only while this replica holds the job's lease (rollout tick, local alert
 *   rules, storm flush, on-call escalation): two replicas running it would do the work twice.
 * - 'on-every-replica': each replica runs its own (the outbox drain, whose rows are claimed with
 *   SKIP LOCKED; the simulated fleet and the logs warm-up, which are local to a process).
 */
export type JobRuns = 'on-one-replica' | 'on-every-replica';

export interface JobOutcome {
  /** Run again this soon (ms) rather than at the job's interval, e.g. when a rate window reopens. */
  readonly nextInMs?: number;
}

export interface JobSpec {
  /** Unique per scheduler; also the lease's name, so the same on every replica. */
  readonly name: string;
  readonly runs: JobRuns;
  /** Runs again this long after a run ends (runs never overlap). Absent: runs once, or when woken. */
  readonly everyMs?: number;
  /** With `everyMs`, runs at multiples of it on the clock (cron's `*\/10 * * * * *`), not `everyMs` after the last run. */
  readonly aligned?: boolean;
  /** The first run, after start or after this replica took the lease (default: `everyMs`, else at once). */
  readonly firstAfterMs?: number;
  run(): Promise<void | JobOutcome>;
}

export interface ScheduledJob {
  /** Run within `afterMs` (default now); during a run, right after it. Nothing when this replica does not hold the lease. */
  wake(afterMs?: number): void;
  /** No more runs; resolves once a run in progress has ended and the lease is given back. */
  stop(): Promise<void>;
  /** True while this replica runs the job (holds its lease, for an 'on-one-replica' job). */
  readonly active: boolean;
}

/** The one way a feature runs timed work (core/scheduling; docs/architecture.md "Scheduling"). */
export interface Scheduler {
  add(spec: JobSpec): ScheduledJob;
}

/** A dead holder's lease expires after this; a survivor, trying every LEASE_RENEW_MS, has the job within TTL + RENEW = 13 s. */
export const LEASE_TTL_MS = 10_000;
/** The holder renews this often: two renewals may fail (a slow database) before the lease runs out. */
export const LEASE_RENEW_MS = 3_000;
/** The holder stops running a job this long before its lease runs out by its own clock (clocks differ; a renewal may be slow). */
const LEASE_SAFETY_MS = 1_000;

export interface LeasedSchedulerOptions {
  readonly leases: JobLeases;
  /** This scheduler's name in the leases: unique per process and start (host, pid, random). */
  readonly holder: string;
  readonly timers: Timers;
  readonly log: Logger;
  readonly leaseTtlMs?: number;
  readonly renewEveryMs?: number;
}

/**
 * Runs named jobs on timers, never two runs of one job at once, and each 'on-one-replica'
 * job only while this replica holds its lease: one renewal loop takes or renews every such
 * lease each `renewEveryMs`; a lease newly taken starts the job, a lease lost (or not
 * renewed in time) stops it. A run cannot be interrupted: a job whose lease is lost while
 * it runs finishes that run (its writes are versioned or idempotent).
 */
export class LeasedScheduler implements Scheduler {
  readonly holder: string;
  private readonly jobs = new Map<string, Job>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private cancelRenewal: Cancel | undefined;
  private stopped = false;
  private readonly ttlMs: number;
  private readonly renewEveryMs: number;

  constructor(private readonly options: LeasedSchedulerOptions) {
    this.holder = options.holder;
    this.ttlMs = options.leaseTtlMs ?? LEASE_TTL_MS;
    this.renewEveryMs = options.renewEveryMs ?? LEASE_RENEW_MS;
  }

  add(spec: JobSpec): ScheduledJob {
    if (this.jobs.has(spec.name)) throw new Error(`A job named ${spec.name} is already scheduled`);
    const job: Job = new Job(
      spec,
      this.options.timers,
      this.options.log,
      (p) => this.track(p),
      () => this.giveBack(job),
    );
    this.jobs.set(spec.name, job);
    if (spec.runs === 'on-every-replica') job.begin();
    else {
      void this.track(this.renew(job, 'on-add'));
      this.cancelRenewal ??= this.options.timers.after(this.renewEveryMs, () => this.renewAll());
    }
    return job;
  }

  /** Stops every job and gives their leases back (a clean stop: another replica takes them at once). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelRenewal?.();
    this.cancelRenewal = undefined;
    await Promise.all([...this.jobs.values()].map((job) => job.stop()));
  }

  /** Resolves when no run and no lease call is in flight (tests: after moving ManualTimers). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise)).catch(() => undefined);
    return promise;
  }

  private renewAll(): void {
    this.cancelRenewal = undefined;
    const leased = [...this.jobs.values()].filter((job) => job.spec.runs === 'on-one-replica');
    if (leased.length === 0) return;
    void this.track(Promise.all(leased.map((job) => this.renew(job, 'renewal')))).finally(() => {
      if (!this.stopped && this.jobs.size > 0) this.cancelRenewal ??= this.options.timers.after(this.renewEveryMs, () => this.renewAll());
    });
  }

  /**
   * Takes or renews the job's lease. A lease taken at a later renewal is a takeover (its holder
   * died or stopped): the job runs at once rather than after its interval, so a survivor resumes
   * a 10-second rollout tick within TTL + RENEW of the death, not TTL + RENEW + 10 s.
   */
  private async renew(job: Job, when: 'on-add' | 'renewal'): Promise<void> {
    if (job.stopped) return;
    const asked = this.options.timers.now();
    let held: boolean;
    try {
      held = await this.options.leases.acquire(job.spec.name, this.holder, this.ttlMs);
    } catch (error) {
      // Not renewed: the job stops by itself when its lease runs out by our clock.
      this.options.log.warn({ job: job.spec.name, err: String(error) }, 'could not renew a job lease; retrying');
      return;
    }
    if (job.stopped) return;
    const had = job.holds();
    if (held) {
      job.heldUntil = asked + this.ttlMs - LEASE_SAFETY_MS;
      if (!had) {
        this.options.log.info({ job: job.spec.name, holder: this.holder }, 'job lease taken: this replica runs the job');
        job.begin(when === 'renewal' ? 0 : undefined);
      }
    } else {
      if (had) this.options.log.warn({ job: job.spec.name }, 'job lease lost to another replica: it runs the job now');
      job.heldUntil = 0;
      job.cancel();
    }
  }

  private async giveBack(job: Job): Promise<void> {
    this.jobs.delete(job.spec.name);
    if (job.spec.runs !== 'on-one-replica' || job.heldUntil === 0) return;
    job.heldUntil = 0;
    await this.options.leases.release(job.spec.name, this.holder).catch((error: unknown) => {
      this.options.log.warn({ job: job.spec.name, err: String(error) }, 'could not give a job lease back; it expires by itself');
    });
  }
}

class Job implements ScheduledJob {
  heldUntil = 0;
  stopped = false;
  private nextAt: number | undefined;
  private cancelTimer: Cancel | undefined;
  private running: Promise<void> | undefined;
  private againInMs: number | undefined;

  constructor(
    readonly spec: JobSpec,
    private readonly timers: Timers,
    private readonly log: Logger,
    private readonly track: <T>(promise: Promise<T>) => Promise<T>,
    private readonly giveBack: () => Promise<void>,
  ) {}

  holds(): boolean {
    return this.spec.runs === 'on-every-replica' || this.timers.now() < this.heldUntil;
  }

  get active(): boolean {
    return !this.stopped && this.holds();
  }

  /** The first run: after start, or once this replica has taken the lease (`afterMs`: a takeover's). */
  begin(afterMs?: number): void {
    if (this.running !== undefined) return;
    this.scheduleIn(afterMs ?? this.spec.firstAfterMs ?? this.intervalMs() ?? 0);
  }

  wake(afterMs = 0): void {
    if (!this.active) return;
    if (this.running !== undefined) this.againInMs = Math.min(this.againInMs ?? Infinity, afterMs);
    else this.scheduleIn(afterMs);
  }

  cancel(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.nextAt = undefined;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.cancel();
    await this.running;
    await this.giveBack();
  }

  private intervalMs(): number | undefined {
    const every = this.spec.everyMs;
    if (every === undefined || !this.spec.aligned) return every;
    const now = this.timers.now();
    return Math.ceil((now + 1) / every) * every - now;
  }

  /** Keeps the earlier of an already planned run and this one. */
  private scheduleIn(ms: number): void {
    const at = this.timers.now() + Math.max(0, ms);
    if (this.nextAt !== undefined && this.nextAt <= at) return;
    this.cancel();
    this.nextAt = at;
    this.cancelTimer = this.timers.after(at - this.timers.now(), () => this.fire());
  }

  private fire(): void {
    this.cancelTimer = undefined;
    this.nextAt = undefined;
    // Not holding the lease (lost, or not renewed in time): the renewal loop starts the job again when it is ours.
    if (!this.active || this.running !== undefined) return;
    this.running = this.track(this.runOnce());
  }

  private async runOnce(): Promise<void> {
    let outcome: JobOutcome | undefined;
    try {
      outcome = (await this.spec.run()) ?? undefined;
    } catch (error) {
      this.log.error({ job: this.spec.name, err: String(error) }, 'scheduled job failed; it runs again at its next time');
    }
    this.running = undefined;
    const again = this.againInMs;
    this.againInMs = undefined;
    if (!this.active) return;
    const next = Math.min(outcome?.nextInMs ?? Infinity, this.intervalMs() ?? Infinity, again ?? Infinity);
    if (next !== Infinity) this.scheduleIn(next);
  }
}
