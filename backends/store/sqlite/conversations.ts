import type { ConversationRef, ConversationRepository } from '../../../core/conversations/conversation';
import type { Migration, SqliteDatabase } from './database';
import { gated, type Synchronous } from './gate';

export const conversationMigrations: Migration[] = [
  {
    id: '0001-conversations',
    sql: `CREATE TABLE conversations (
      conversation_id TEXT PRIMARY KEY,
      ref_json TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
  },
];

/** The ConversationRepository port on SQLite (calls pass the connection's gate: see gate.ts). */
export function sqliteConversationRepository(db: SqliteDatabase): ConversationRepository {
  return gated<ConversationRepository>(new SqliteConversationRepository(db), db);
}

/** The synchronous store behind `sqliteConversationRepository` (its methods run on the caller's turn). */
export class SqliteConversationRepository implements Synchronous<ConversationRepository> {
  private readonly upsertStmt;
  private readonly getStmt;
  private readonly listStmt;
  private readonly removeStmt;
  /**
   * What is stored per conversation: every activity brings its reference, and rewriting an
   * unchanged one would put a synchronous fsync on the path of every chat turn.
   */
  private readonly stored = new Map<string, string>();

  constructor(db: SqliteDatabase) {
    this.upsertStmt = db.prepare(
      `INSERT INTO conversations (conversation_id, ref_json, updated_at) VALUES (?, ?, ?)
       ON CONFLICT(conversation_id) DO UPDATE SET ref_json = excluded.ref_json, updated_at = excluded.updated_at`,
    );
    this.getStmt = db.prepare('SELECT ref_json FROM conversations WHERE conversation_id = ?').pluck();
    this.listStmt = db.prepare('SELECT ref_json FROM conversations ORDER BY conversation_id').pluck();
    this.removeStmt = db.prepare('DELETE FROM conversations WHERE conversation_id = ?');
  }

  /** Records the reference when it is new or changed (updated_at: when it last changed). */
  upsert(ref: ConversationRef): void {
    const json = JSON.stringify(ref);
    if (this.stored.get(ref.conversationId) === json) return;
    this.upsertStmt.run(ref.conversationId, json, new Date().toISOString());
    this.stored.set(ref.conversationId, json);
  }

  get(conversationId: string): ConversationRef | undefined {
    const json = this.getStmt.get(conversationId) as string | undefined;
    return json ? (JSON.parse(json) as ConversationRef) : undefined;
  }

  list(): ConversationRef[] {
    return (this.listStmt.all() as string[]).map((json) => JSON.parse(json) as ConversationRef);
  }

  remove(conversationId: string): void {
    this.removeStmt.run(conversationId);
    this.stored.delete(conversationId);
  }
}
