import type { OutboundMessage } from './notifier';

export interface OutboxItem {
  readonly id: number;
  readonly conversationId: string;
  readonly key: string;
  readonly message: OutboundMessage;
  /** Bumped each time a newer message for the same key is coalesced into this item. */
  readonly version: number;
  readonly attempts: number;
  readonly notBefore: number; // epoch ms
}

/**
 * The durable queue behind the notifier. `enqueue` is durable when it returns.
 * One pending item per (conversation, key): a newer message replaces the pending one.
 */
export interface OutboxRepository {
  enqueue(conversationId: string, key: string, message: OutboundMessage, now: number): Promise<void>;
  /** Pending items due at `now`, oldest first. */
  due(now: number, limit: number): Promise<OutboxItem[]>;
  /** Earliest notBefore among pending items scheduled after `now` (backoffs), if any. */
  nextDueAfter(now: number): Promise<number | undefined>;
  /** Hands back items taken by `due` but not sent in this pass (rate limits): they are due again at once. */
  release(items: readonly OutboxItem[]): Promise<void>;
  /** Keeps the items a pass still holds leased (from `now`, as long as `due` leases): a slow send is not sent twice. */
  extendLease(items: readonly OutboxItem[], now: number): Promise<void>;
  /** Removes the item if no newer message was coalesced into it meanwhile. */
  complete(item: OutboxItem): Promise<void>;
  reschedule(item: OutboxItem, notBefore: number, error: string): Promise<void>;
  /** Gives up on the item (kept as a dead letter for `delivery`). */
  deadLetter(item: OutboxItem, error: string): Promise<void>;
  pendingCount(): Promise<number>;
  deadLetters(limit: number): Promise<Array<{ conversationId: string; key: string; error: string; at: string }>>;

  /** The activity id Teams gave the message sent under `key` in a conversation. */
  sentActivityId(conversationId: string, key: string): Promise<string | undefined>;
  recordSent(conversationId: string, key: string, activityId: string): Promise<void>;
}
