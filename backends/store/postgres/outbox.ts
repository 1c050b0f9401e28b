import type { OutboundMessage } from '../../../core/notifications/notifier';
import { toOutboxItem, type OutboxRow } from '../rows/outbox';
import type { OutboxItem, OutboxRepository } from '../../../core/notifications/outbox';
import type { PostgresDatabase } from './database';

/**
 * How long a replica holds the rows it took to send; if it dies, a survivor sends them after
 * this (its drain wakes when the lease ends), well within the 20 s failover target. The sender
 * renews the lease every 3 s while it still holds rows (a send may take the connector's 15 s).
 */
export const OUTBOX_LEASE_MS = 10_000;

/**
 * The outbox on PostgreSQL, shared by every replica. `due` claims the rows it returns
 * (FOR UPDATE SKIP LOCKED, then a lease): two replicas draining at once get different
 * rows, and the rows of a replica that dies are due again when its lease runs out.
 */
export class PostgresOutboxRepository implements OutboxRepository {
  constructor(
    private readonly db: PostgresDatabase,
    private readonly now: () => Date = () => new Date(),
    private readonly leaseMs = OUTBOX_LEASE_MS,
  ) {}

  async enqueue(conversationId: string, key: string, message: OutboundMessage, now: number): Promise<void> {
    // Coalesce: a pending item for the same key takes the newer message (keeping its place and backoff).
    await this.db.execute(
      `INSERT INTO outbox (conversation_id, message_key, message_json, not_before, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (conversation_id, message_key) WHERE state = 'pending'
       DO UPDATE SET message_json = excluded.message_json, version = outbox.version + 1, updated_at = excluded.updated_at`,
      [conversationId, key, JSON.stringify(message), now, new Date(now).toISOString()],
    );
  }

  async due(now: number, limit: number): Promise<OutboxItem[]> {
    const rows = await this.db.query<OutboxRow>(
      `UPDATE outbox SET lease_until = $1
        WHERE id IN (SELECT id FROM outbox
                      WHERE state = 'pending' AND not_before <= $2 AND (lease_until IS NULL OR lease_until <= $2)
                      ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)
        RETURNING id, conversation_id, message_key, message_json, version, attempts, not_before`,
      [now + this.leaseMs, now, limit],
    );
    return rows.map(toOutboxItem).sort((a, b) => a.id - b.id);
  }

  async nextDueAfter(now: number): Promise<number | undefined> {
    const [row] = await this.db.query<{ next: string | null }>(
      `SELECT MIN(GREATEST(not_before, COALESCE(lease_until, 0))) AS next FROM outbox WHERE state = 'pending' AND (not_before > $1 OR lease_until > $1)`,
      [now],
    );
    return row?.next == null ? undefined : Number(row.next);
  }

  /**
   * Row by row, each in its own statement: one UPDATE of many rows holds each row's lock while
   * it waits for the next, and a transaction coalescing cards into those rows in another
   * order (storm cards being flushed) deadlocks with it; PostgreSQL breaks that only after
   * deadlock_timeout (1 s), while the flush holds the storm rows every alert webhook needs.
   */
  async release(items: readonly OutboxItem[]): Promise<void> {
    for (const item of items) {
      await this.db.execute(`UPDATE outbox SET lease_until = NULL WHERE id = $1 AND state = 'pending'`, [item.id], 'outbox.release');
    }
  }

  /** Row by row, as release. */
  async extendLease(items: readonly OutboxItem[], now: number): Promise<void> {
    for (const item of items) {
      await this.db.execute(
        `UPDATE outbox SET lease_until = $1 WHERE id = $2 AND state = 'pending' AND lease_until IS NOT NULL`,
        [now + this.leaseMs, item.id],
        'outbox.extendLease',
      );
    }
  }

  async complete(item: OutboxItem): Promise<void> {
    const removed = await this.db.execute('DELETE FROM outbox WHERE id = $1 AND version = $2', [item.id, item.version]);
    // A newer message was coalesced in while this one was sent: it is due now, not when the lease ends.
    if (removed === 0) await this.db.execute(`UPDATE outbox SET lease_until = NULL WHERE id = $1 AND state = 'pending'`, [item.id]);
  }

  async reschedule(item: OutboxItem, notBefore: number, error: string): Promise<void> {
    await this.db.execute(`UPDATE outbox SET attempts = attempts + 1, not_before = $1, lease_until = NULL, last_error = $2, updated_at = $3 WHERE id = $4`, [
      notBefore,
      error,
      this.now().toISOString(),
      item.id,
    ]);
  }

  async deadLetter(item: OutboxItem, error: string): Promise<void> {
    await this.db.execute(`UPDATE outbox SET state = 'dead', attempts = attempts + 1, lease_until = NULL, last_error = $1, updated_at = $2 WHERE id = $3`, [
      error,
      this.now().toISOString(),
      item.id,
    ]);
  }

  async pendingCount(): Promise<number> {
    const [row] = await this.db.query<{ n: string }>(`SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending'`);
    return Number(row?.n ?? 0);
  }

  async deadLetters(limit: number): Promise<Array<{ conversationId: string; key: string; error: string; at: string }>> {
    return this.db.query(
      `SELECT conversation_id AS "conversationId", message_key AS key, last_error AS error, updated_at AS at FROM outbox WHERE state = 'dead' ORDER BY id DESC LIMIT $1`,
      [limit],
    );
  }

  async sentActivityId(conversationId: string, key: string): Promise<string | undefined> {
    const [row] = await this.db.query<{ activity_id: string }>('SELECT activity_id FROM sent_messages WHERE conversation_id = $1 AND message_key = $2', [
      conversationId,
      key,
    ]);
    return row?.activity_id;
  }

  async recordSent(conversationId: string, key: string, activityId: string): Promise<void> {
    await this.db.execute(
      `INSERT INTO sent_messages (conversation_id, message_key, activity_id, sent_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (conversation_id, message_key) DO UPDATE SET activity_id = excluded.activity_id, sent_at = excluded.sent_at`,
      [conversationId, key, activityId, this.now().toISOString()],
    );
  }
}
