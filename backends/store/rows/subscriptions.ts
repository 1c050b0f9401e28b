import type { Subscription, Topic } from '../../../core/conversations/subscription';

/** A subscriptions row as either adapter reads it (PostgreSQL returns BIGSERIAL as text). */
export interface SubscriptionRow {
  id: number | string;
  conversation_id: string;
  topic: Topic;
  filter: string;
  created_by: string;
  created_at: string;
}

export const toSubscription = (r: SubscriptionRow): Subscription => ({
  id: Number(r.id),
  conversationId: r.conversation_id,
  topic: r.topic,
  filter: r.filter,
  createdBy: r.created_by,
  createdAt: r.created_at,
});
