import { toSubscription, type SubscriptionRow } from '../rows/subscriptions';
import type { Subscription, SubscriptionRepository, Topic } from '../../../core/conversations/subscription';
import type { PostgresDatabase } from './database';

/** Subscriptions on PostgreSQL. */
export class PostgresSubscriptionRepository implements SubscriptionRepository {
  /**
   * A topic's subscriptions as read in a transaction (keyed by its notes): a batch of alerts
   * and the listeners told of each read them once per transaction, not once per alert.
   */
  private readonly readInTransaction = new WeakMap<object, Map<Topic, Promise<Subscription[]>>>();

  constructor(private readonly db: PostgresDatabase) {}

  async add(sub: Omit<Subscription, 'id' | 'createdAt'>): Promise<Subscription> {
    this.forgetRead();
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
    this.forgetRead();
    if (filter === undefined) return this.db.execute('DELETE FROM subscriptions WHERE conversation_id = $1 AND topic = $2', [conversationId, topic]);
    return this.db.execute('DELETE FROM subscriptions WHERE conversation_id = $1 AND topic = $2 AND filter = $3', [conversationId, topic, filter]);
  }

  async removeById(conversationId: string, id: number): Promise<boolean> {
    this.forgetRead();
    return (await this.db.execute('DELETE FROM subscriptions WHERE id = $1 AND conversation_id = $2', [id, conversationId])) > 0;
  }

  async listForConversation(conversationId: string): Promise<Subscription[]> {
    return (await this.db.query<SubscriptionRow>('SELECT * FROM subscriptions WHERE conversation_id = $1 ORDER BY id', [conversationId])).map(toSubscription);
  }

  async listForTopic(topic: Topic): Promise<Subscription[]> {
    const tx = this.db.transactionNotes();
    if (!tx) return this.readTopic(topic);
    const read = this.readInTransaction.get(tx) ?? new Map<Topic, Promise<Subscription[]>>();
    this.readInTransaction.set(tx, read);
    const list = read.get(topic) ?? this.readTopic(topic);
    read.set(topic, list);
    return [...(await list)];
  }

  private async readTopic(topic: Topic): Promise<Subscription[]> {
    return (await this.db.query<SubscriptionRow>('SELECT * FROM subscriptions WHERE topic = $1 ORDER BY id', [topic], 'subscriptions.listForTopic')).map(
      toSubscription,
    );
  }

  private forgetRead(): void {
    const tx = this.db.transactionNotes();
    if (tx) this.readInTransaction.delete(tx);
  }
}
