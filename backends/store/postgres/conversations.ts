import type { ConversationRef, ConversationRepository } from '../../../core/conversations/conversation';
import type { PostgresDatabase } from './database';

/** Conversation references on PostgreSQL. */
export class PostgresConversationRepository implements ConversationRepository {
  /** What this replica stored last per conversation: an unchanged reference is not written again on every turn. */
  private readonly stored = new Map<string, string>();

  constructor(private readonly db: PostgresDatabase) {}

  async upsert(ref: ConversationRef): Promise<void> {
    const json = JSON.stringify(ref);
    if (this.stored.get(ref.conversationId) === json) return;
    await this.db.execute(
      `INSERT INTO conversations (conversation_id, ref_json, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (conversation_id) DO UPDATE SET ref_json = excluded.ref_json, updated_at = excluded.updated_at`,
      [ref.conversationId, json, new Date().toISOString()],
    );
    this.stored.set(ref.conversationId, json);
  }

  async get(conversationId: string): Promise<ConversationRef | undefined> {
    const [row] = await this.db.query<{ ref_json: string }>('SELECT ref_json FROM conversations WHERE conversation_id = $1', [conversationId]);
    return row ? (JSON.parse(row.ref_json) as ConversationRef) : undefined;
  }

  async list(): Promise<ConversationRef[]> {
    const rows = await this.db.query<{ ref_json: string }>('SELECT ref_json FROM conversations ORDER BY conversation_id');
    return rows.map((r) => JSON.parse(r.ref_json) as ConversationRef);
  }

  async remove(conversationId: string): Promise<void> {
    await this.db.execute('DELETE FROM conversations WHERE conversation_id = $1', [conversationId]);
    this.stored.delete(conversationId);
  }
}
