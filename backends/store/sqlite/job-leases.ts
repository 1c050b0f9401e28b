import type { JobLeases } from '../../../core/scheduling/job-leases';
import type { Migration, SqliteDatabase } from './database';
import { gated, type Synchronous } from './gate';

export const jobLeaseMigrations: Migration[] = [
  {
    id: '0005-job-leases',
    sql: 'CREATE TABLE job_leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at INTEGER NOT NULL)',
  },
];

/** The JobLeases port on SQLite: one statement takes or renews (an upsert whose update only applies to a free, expired or own lease). */
export function sqliteJobLeases(db: SqliteDatabase, now: () => number = Date.now): JobLeases {
  return gated<JobLeases>(new SqliteJobLeases(db, now), db);
}

class SqliteJobLeases implements Synchronous<JobLeases> {
  private readonly stmts;

  constructor(
    db: SqliteDatabase,
    private readonly now: () => number,
  ) {
    this.stmts = {
      acquire: db
        .prepare(
          `INSERT INTO job_leases (name, holder, expires_at) VALUES (?, ?, ?)
           ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
           WHERE job_leases.expires_at <= ? OR job_leases.holder = excluded.holder
           RETURNING holder`,
        )
        .pluck(),
      release: db.prepare('DELETE FROM job_leases WHERE name = ? AND holder = ?'),
    };
  }

  acquire(job: string, holder: string, ttlMs: number): boolean {
    const now = this.now();
    return this.stmts.acquire.get(job, holder, now + ttlMs, now) === holder;
  }

  release(job: string, holder: string): void {
    this.stmts.release.run(job, holder);
  }
}
