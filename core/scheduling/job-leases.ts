/**
 * Who may run a named job now. A lease is held by one holder (a scheduler in one replica)
 * until it expires; the store's own clock decides expiry, so replicas whose clocks differ
 * still agree. Adapters: backends/store/sqlite/job-leases.ts, backends/store/postgres/job-leases.ts.
 */
export interface JobLeases {
  /**
   * Atomically takes the lease on `job` for `holder` for `ttlMs` when it is free, expired or
   * already `holder`'s (then it is renewed). True when `holder` holds it afterwards.
   */
  acquire(job: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease back if `holder` holds it, so another replica takes the job at once. */
  release(job: string, holder: string): Promise<void>;
}

/** Leases in memory: for one process with no store, and for unit tests. `now` is the leases' clock. */
export class InMemoryJobLeases implements JobLeases {
  private readonly leases = new Map<string, { holder: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async acquire(job: string, holder: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    const lease = this.leases.get(job);
    if (lease && lease.holder !== holder && lease.expiresAt > now) return false;
    this.leases.set(job, { holder, expiresAt: now + ttlMs });
    return true;
  }

  async release(job: string, holder: string): Promise<void> {
    if (this.leases.get(job)?.holder === holder) this.leases.delete(job);
  }
}
