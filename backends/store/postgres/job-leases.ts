import type { JobLeases } from '../../../core/scheduling/job-leases';
import type { PostgresDatabase } from './database';

/**
 * The JobLeases port on PostgreSQL, shared by every replica. One statement takes or renews:
 * the upsert's update applies only to a lease that is expired or already the caller's, and
 * RETURNING says whether it did. Expiry is judged on the database server's clock (one clock
 * for all replicas) unless a test passes `now`.
 */
export class PostgresJobLeases implements JobLeases {
  constructor(
    private readonly db: PostgresDatabase,
    private readonly now?: () => number,
  ) {}

  async acquire(job: string, holder: string, ttlMs: number): Promise<boolean> {
    const rows = await this.db.query<{ holder: string }>(
      `INSERT INTO job_leases (name, holder, expires_at)
         SELECT $1, $2, t.now + $3 FROM (SELECT COALESCE($4::bigint, (extract(epoch FROM clock_timestamp()) * 1000)::bigint) AS now) t
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
         WHERE job_leases.expires_at <= excluded.expires_at - $3 OR job_leases.holder = excluded.holder
       RETURNING holder`,
      [job, holder, ttlMs, this.now?.() ?? null],
    );
    return rows[0]?.holder === holder;
  }

  async release(job: string, holder: string): Promise<void> {
    await this.db.execute('DELETE FROM job_leases WHERE name = $1 AND holder = $2', [job, holder]);
  }
}
