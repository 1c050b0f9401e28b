import { toSubscription, type SubscriptionRow } from '../rows/subscriptions';
import type { Subscription, SubscriptionRepository, Topic } from '../../../core/conversations/subscription';
import type { PostgresDatabase } from './database';
import { GenerationCache, withGeneration } from './generation-cache';

/** Subscriptions on PostgreSQL. */
export class PostgresSubscriptionRepository implements SubscriptionRepository {
  /** Every subscription, kept between transactions: each alert batch and each broadcast asks for a topic's. */
  private readonly all: GenerationCache<Subscription[]>;

  constructor(private readonly db: PostgresDatabase) {
    this.all = new GenerationCache(db, 'subscriptions');
  }

  async add(sub: Omit<Subscription, 'id' | 'createdAt'>): Promise<Subscription> {
    this.all.writing();
    await this.db.execute(
      `INSERT INTO subscriptions (conversation_id, topic, filter, created_by, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (conversation_id, topic, filter) DO NOTHING`,
      [sub.conversationId, sub.topic, sub.filter, sub.createdBy, new Date().toISOString()],
    );
    const [row] = await this.db.query<SubscriptionRow>('SELECT * FROM subscriptions WHERE conversation_id = $1 AND topic = $2 AND filter = $3', [
      sub.conversationId,
      sub.topic,
      sub.filter,
    ]);
    return toSubscription(row!);
  }

  remove(conversationId: string, topic: Topic, filter?: string): Promise<number> {
    this.all.writing();
    if (filter === undefined) return this.db.execute('DELETE FROM subscriptions WHERE conversation_id = $1 AND topic = $2', [conversationId, topic]);
    return this.db.execute('DELETE FROM subscriptions WHERE conversation_id = $1 AND topic = $2 AND filter = $3', [conversationId, topic, filter]);
  }

  async removeById(conversationId: string, id: number): Promise<boolean> {
    this.all.writing();
    return (await this.db.execute('DELETE FROM subscriptions WHERE id = $1 AND conversation_id = $2', [id, conversationId])) > 0;
  }

  async listForConversation(conversationId: string): Promise<Subscription[]> {
    return (await this.db.query<SubscriptionRow>('SELECT * FROM subscriptions WHERE conversation_id = $1 ORDER BY id', [conversationId])).map(toSubscription);
  }

  async listForTopic(topic: Topic): Promise<Subscription[]> {
    const read = async () => {
      const [row] = await this.db.query<{ generation: string; rows: SubscriptionRow[] }>(
        withGeneration('subscriptions', 'SELECT json_agg(s ORDER BY s.id) FROM subscriptions s'),
        [],
        'subscriptions.all',
      );
      return { generation: Number(row!.generation), value: row!.rows.map(toSubscription) };
    };
    return (await this.all.get(read)).filter((s) => s.topic === topic);
  }
}
