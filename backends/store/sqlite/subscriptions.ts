import { toSubscription, type SubscriptionRow } from '../rows/subscriptions';
import type { Subscription, SubscriptionRepository, Topic } from '../../../core/conversations/subscription';
import type { Migration, SqliteDatabase } from './database';
import { gated, type Synchronous } from './gate';

export const subscriptionMigrations: Migration[] = [
  {
    id: '0002-subscriptions',
    sql: `CREATE TABLE subscriptions (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      conversation_id TEXT NOT NULL,
      topic TEXT NOT NULL,
      filter TEXT NOT NULL DEFAULT '',
      created_by TEXT NOT NULL,
      created_at TEXT NOT NULL,
      UNIQUE (conversation_id, topic, filter)
    );
    CREATE INDEX subscriptions_topic ON subscriptions (topic)`,
  },
];

/** The SubscriptionRepository port on SQLite (calls pass the connection's gate: see gate.ts). */
export function sqliteSubscriptionRepository(db: SqliteDatabase): SubscriptionRepository {
  return gated<SubscriptionRepository>(new SqliteSubscriptionRepository(db), db);
}

/** The synchronous store behind `sqliteSubscriptionRepository` (its methods run on the caller's turn). */
export class SqliteSubscriptionRepository implements Synchronous<SubscriptionRepository> {
  // Alert storms ask for the topic's subscribers in every batch: prepare once.
  private readonly byTopic;

  constructor(private readonly db: SqliteDatabase) {
    this.byTopic = db.prepare('SELECT * FROM subscriptions WHERE topic = ? ORDER BY id');
  }

  add(sub: Omit<Subscription, 'id' | 'createdAt'>): Subscription {
    const createdAt = new Date().toISOString();
    this.db
      .prepare(
        `INSERT INTO subscriptions (conversation_id, topic, filter, created_by, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (conversation_id, topic, filter) DO NOTHING`,
      )
      .run(sub.conversationId, sub.topic, sub.filter, sub.createdBy, createdAt);
    const row = this.db
      .prepare('SELECT * FROM subscriptions WHERE conversation_id = ? AND topic = ? AND filter = ?')
      .get(sub.conversationId, sub.topic, sub.filter) as SubscriptionRow;
    return toSubscription(row);
  }

  remove(conversationId: string, topic: Topic, filter?: string): number {
    if (filter === undefined) {
      return this.db.prepare('DELETE FROM subscriptions WHERE conversation_id = ? AND topic = ?').run(conversationId, topic).changes;
    }
    return this.db.prepare('DELETE FROM subscriptions WHERE conversation_id = ? AND topic = ? AND filter = ?').run(conversationId, topic, filter).changes;
  }

  removeById(conversationId: string, id: number): boolean {
    return this.db.prepare('DELETE FROM subscriptions WHERE id = ? AND conversation_id = ?').run(id, conversationId).changes > 0;
  }

  listForConversation(conversationId: string): Subscription[] {
    return (this.db.prepare('SELECT * FROM subscriptions WHERE conversation_id = ? ORDER BY id').all(conversationId) as SubscriptionRow[]).map(toSubscription);
  }

  listForTopic(topic: Topic): Subscription[] {
    return (this.byTopic.all(topic) as SubscriptionRow[]).map(toSubscription);
  }
}
