import {
  conversationScope,
  longestWindowMs,
  type SendLimits,
  type SendRateLimits,
  TEAMS_SEND_LIMITS,
  tenantScope,
  windowsFor,
} from '../../../core/notifications/send-rate-limits';
import type { Migration, SqliteDatabase } from './database';
import { gated, type Synchronous } from './gate';

export const sendLogMigrations: Migration[] = [
  {
    // One row per send and scope ('c:<conversation>', 't:<tenant>'): Teams' sliding windows, shared by every process on the file.
    id: '0006-send-log',
    sql: `CREATE TABLE send_log (scope TEXT NOT NULL, sent_at INTEGER NOT NULL);
    CREATE INDEX send_log_scope ON send_log (scope, sent_at)`,
  },
];

/** The SendRateLimits port on SQLite (calls pass the connection's gate: see gate.ts). */
export function sqliteSendRateLimits(db: SqliteDatabase, limits: SendLimits = TEAMS_SEND_LIMITS): SendRateLimits {
  return gated<SendRateLimits>(new SqliteSendLog(db, limits), db);
}

/**
 * Each take is one IMMEDIATE transaction (count, then record), so processes sharing the file
 * cannot both take the last slot of a window. A window is full when it already holds `limit`
 * sends: the `limit`-th newest one (an index range scan of at most `limit` rows) says until when.
 */
class SqliteSendLog implements Synchronous<SendRateLimits> {
  private readonly stmts;
  private readonly take_;

  /** The connection's own setting, put back after each take. */
  private readonly synchronous: number;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly limits: SendLimits,
  ) {
    this.synchronous = Number(db.pragma('synchronous', { simple: true }));
    this.stmts = {
      nth: db.prepare('SELECT sent_at FROM send_log WHERE scope = ? AND sent_at > ? ORDER BY sent_at DESC LIMIT 1 OFFSET ?').pluck(),
      record: db.prepare('INSERT INTO send_log (scope, sent_at) VALUES (?, ?)'),
      forgetScope: db.prepare('DELETE FROM send_log WHERE scope = ? AND sent_at <= ?'),
      forget: db.prepare('DELETE FROM send_log WHERE sent_at <= ?'),
    };
    const longest = longestWindowMs(limits);
    this.take_ = db.transaction((conversationId: string, tenantId: string, clock: () => number): number => {
      // Read inside the IMMEDIATE transaction: another process may have held the write lock until now.
      const now = clock();
      let wait = 0;
      for (const w of windowsFor(this.limits, conversationId, tenantId)) {
        const nth = this.stmts.nth.get(w.scope, now - w.windowMs, w.limit - 1) as number | undefined;
        if (nth !== undefined) wait = Math.max(wait, nth + w.windowMs - now);
      }
      if (wait > 0) return wait;
      for (const scope of [conversationScope(conversationId), tenantScope(tenantId)]) {
        this.stmts.record.run(scope, now);
        this.stmts.forgetScope.run(scope, now - longest);
      }
      return 0;
    });
  }

  take(conversationId: string, tenantId: string, clock: () => number): number {
    if (this.db.inTransaction) return this.take_.immediate(conversationId, tenantId, clock);
    // Committed to the WAL without an fsync (synchronous=NORMAL; a killed process loses nothing, a power cut the last
    // sends' records, and Teams then answers the few sends too many with a 429 the sender honours): with FULL, every
    // chat reply waited for the disk on the event loop, and so did every turn behind it.
    this.db.exec('PRAGMA synchronous = NORMAL');
    try {
      return this.take_.immediate(conversationId, tenantId, clock);
    } finally {
      this.db.exec(`PRAGMA synchronous = ${this.synchronous}`);
    }
  }

  prune(now: number): number {
    return Number(this.stmts.forget.run(now - longestWindowMs(this.limits)).changes);
  }
}
