import { toOutboxItem, type OutboxRow } from '../rows/outbox';
import type { OutboxItem, OutboxRepository } from '../../../core/notifications/outbox';
import type { OutboundMessage } from '../../../core/notifications/notifier';
import type { Migration, SqliteDatabase } from './database';
import { gated, type Synchronous } from './gate';

export const outboxMigrations: Migration[] = [
  {
    id: '0004-outbox',
    sql: `CREATE TABLE outbox (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      conversation_id TEXT NOT NULL,
      message_key TEXT NOT NULL,
      message_json TEXT NOT NULL,
      version INTEGER NOT NULL DEFAULT 1,
      attempts INTEGER NOT NULL DEFAULT 0,
      not_before INTEGER NOT NULL,
      state TEXT NOT NULL DEFAULT 'pending',
      last_error TEXT,
      updated_at TEXT NOT NULL
    );
    CREATE UNIQUE INDEX outbox_pending_key ON outbox (conversation_id, message_key) WHERE state = 'pending';
    CREATE INDEX outbox_due ON outbox (state, not_before, id);
    CREATE TABLE sent_messages (
      conversation_id TEXT NOT NULL,
      message_key TEXT NOT NULL,
      activity_id TEXT NOT NULL,
      sent_at TEXT NOT NULL,
      PRIMARY KEY (conversation_id, message_key)
    )`,
  },
];

/** The OutboxRepository port on SQLite (calls pass the connection's gate: see gate.ts). */
export function sqliteOutboxRepository(db: SqliteDatabase, now?: () => Date): OutboxRepository {
  return gated<OutboxRepository>(new SqliteOutboxRepository(db, now), db);
}

/** The synchronous store behind `sqliteOutboxRepository` (its methods run on the caller's turn). */
export class SqliteOutboxRepository implements Synchronous<OutboxRepository> {
  private readonly stmts;

  /** `now` stamps updated_at/sent_at: the machine's clock, like the sender's schedule (tests fix it). */
  constructor(
    db: SqliteDatabase,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.stmts = {
      // Coalesce: a pending item for the same key takes the newer message (keeping its place and backoff).
      enqueue: db.prepare(
        `INSERT INTO outbox (conversation_id, message_key, message_json, not_before, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (conversation_id, message_key) WHERE state = 'pending'
         DO UPDATE SET message_json = excluded.message_json, version = version + 1, updated_at = excluded.updated_at`,
      ),
      due: db.prepare(`SELECT * FROM outbox WHERE state = 'pending' AND not_before <= ? ORDER BY id LIMIT ?`),
      nextDue: db.prepare(`SELECT MIN(not_before) FROM outbox WHERE state = 'pending' AND not_before > ?`).pluck(),
      complete: db.prepare(`DELETE FROM outbox WHERE id = ? AND version = ?`),
      reschedule: db.prepare(`UPDATE outbox SET attempts = attempts + 1, not_before = ?, last_error = ?, updated_at = ? WHERE id = ?`),
      dead: db.prepare(`UPDATE outbox SET state = 'dead', attempts = attempts + 1, last_error = ?, updated_at = ? WHERE id = ?`),
      pending: db.prepare(`SELECT COUNT(*) FROM outbox WHERE state = 'pending'`).pluck(),
      deadList: db.prepare(
        `SELECT conversation_id AS conversationId, message_key AS key, last_error AS error, updated_at AS at FROM outbox WHERE state = 'dead' ORDER BY id DESC LIMIT ?`,
      ),
      sentId: db.prepare(`SELECT activity_id FROM sent_messages WHERE conversation_id = ? AND message_key = ?`).pluck(),
      recordSent: db.prepare(
        `INSERT INTO sent_messages (conversation_id, message_key, activity_id, sent_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (conversation_id, message_key) DO UPDATE SET activity_id = excluded.activity_id, sent_at = excluded.sent_at`,
      ),
    };
  }

  enqueue(conversationId: string, key: string, message: OutboundMessage, now: number): void {
    this.stmts.enqueue.run(conversationId, key, JSON.stringify(message), now, new Date(now).toISOString());
  }

  due(now: number, limit: number): OutboxItem[] {
    return (this.stmts.due.all(now, limit) as OutboxRow[]).map(toOutboxItem);
  }

  nextDueAfter(now: number): number | undefined {
    const value = this.stmts.nextDue.get(now) as number | null;
    return value ?? undefined;
  }

  /** Nothing to do: `due` takes nothing on SQLite (one process sends). */
  release(): void {}

  /** Nothing to do: no leases on SQLite (see `release`). */
  extendLease(): void {}

  complete(item: OutboxItem): void {
    this.stmts.complete.run(item.id, item.version);
  }

  reschedule(item: OutboxItem, notBefore: number, error: string): void {
    this.stmts.reschedule.run(notBefore, error, this.now().toISOString(), item.id);
  }

  deadLetter(item: OutboxItem, error: string): void {
    this.stmts.dead.run(error, this.now().toISOString(), item.id);
  }

  pendingCount(): number {
    return this.stmts.pending.get() as number;
  }

  deadLetters(limit: number) {
    return this.stmts.deadList.all(limit) as Array<{ conversationId: string; key: string; error: string; at: string }>;
  }

  sentActivityId(conversationId: string, key: string): string | undefined {
    return (this.stmts.sentId.get(conversationId, key) as string | undefined) ?? undefined;
  }

  recordSent(conversationId: string, key: string, activityId: string): void {
    this.stmts.recordSent.run(conversationId, key, activityId, this.now().toISOString());
  }
}
