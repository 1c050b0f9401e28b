export const TOPICS = ['alerts', 'deployments', 'rollouts'] as const;
export type Topic = (typeof TOPICS)[number];

/** A conversation's wish to receive a topic proactively; `filter` is the topic's own filter text. */
export interface Subscription {
  readonly id: number;
  readonly conversationId: string;
  readonly topic: Topic;
  readonly filter: string;
  readonly createdBy: string;
  readonly createdAt: string;
}

export interface SubscriptionRepository {
  add(sub: Omit<Subscription, 'id' | 'createdAt'>): Promise<Subscription>;
  /** Removes the conversation's subscriptions to `topic` (all of them, or the one with `filter`). Returns how many. */
  remove(conversationId: string, topic: Topic, filter?: string): Promise<number>;
  /** Removes subscription `id` if it is this conversation's; false when there is none (removed already, or another conversation's). */
  removeById(conversationId: string, id: number): Promise<boolean>;
  listForConversation(conversationId: string): Promise<Subscription[]>;
  listForTopic(topic: Topic): Promise<Subscription[]>;
}
