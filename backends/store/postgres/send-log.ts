import {
  conversationScope,
  longestWindowMs,
  type SendLimits,
  type SendRateLimits,
  TEAMS_SEND_LIMITS,
  tenantScope,
  windowsFor,
} from '../../../core/notifications/send-rate-limits';
import type { PostgresDatabase } from './database';

/** The advisory lock class of the send log (the two-key form: its own key space, apart from the migration lock). */
export const SEND_LOG_LOCK = 0x53656e64; // 'Send'

/**
 * Teams' sliding windows on PostgreSQL, for every replica together. A take runs in one
 * transaction holding the tenant's advisory lock (every conversation's sends count in the
 * tenant's 50/s, so that one lock serialises all that could race), then counts and records
 * in one statement: each window is full when it holds `limit` sends, and the `limit`-th
 * newest says until when. Rows older than the longest window go as the scope is written.
 */
export class PostgresSendRateLimits implements SendRateLimits {
  constructor(
    private readonly db: PostgresDatabase,
    private readonly limits: SendLimits = TEAMS_SEND_LIMITS,
  ) {}

  async take(conversationId: string, tenantId: string, clock: () => number): Promise<number> {
    const windows = windowsFor(this.limits, conversationId, tenantId);
    return this.db.unitOfWork.run(async () => {
      await this.db.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [SEND_LOG_LOCK, tenantScope(tenantId)]);
      // Read after the lock: another replica's take may have held it, and the send leaves after this one.
      const now = clock();
      const [row] = await this.db.query<{ wait: string }>(
        `WITH windows AS (SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[]) AS w(scope, lim, window_ms)),
              waits AS (
                SELECT COALESCE(MAX((SELECT s.sent_at FROM send_log s WHERE s.scope = w.scope AND s.sent_at > $4 - w.window_ms
                                      ORDER BY s.sent_at DESC OFFSET w.lim - 1 LIMIT 1) + w.window_ms - $4), 0) AS wait
                  FROM windows w),
              taken AS (INSERT INTO send_log (scope, sent_at) SELECT scope, $4 FROM unnest(ARRAY[$5, $6]::text[]) AS scope, waits WHERE waits.wait <= 0),
              forgotten AS (DELETE FROM send_log WHERE scope IN ($5, $6) AND sent_at <= $4 - $7::bigint)
         SELECT wait FROM waits`,
        [
          windows.map((w) => w.scope),
          windows.map((w) => w.limit),
          windows.map((w) => w.windowMs),
          now,
          conversationScope(conversationId),
          tenantScope(tenantId),
          longestWindowMs(this.limits),
        ],
      );
      return Math.max(0, Number(row?.wait ?? 0));
    });
  }

  async prune(now: number): Promise<number> {
    return this.db.execute('DELETE FROM send_log WHERE sent_at <= $1', [now - longestWindowMs(this.limits)]);
  }
}
