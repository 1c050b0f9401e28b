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
  enqueue(conversationId: string, key: string, message: OutboundMessage, now: number): void;
  /** Pending items due at `now`, oldest first. */
  due(now: number, limit: number): OutboxItem[];
  /** Earliest notBefore among pending items scheduled after `now` (backoffs), if any. */
  nextDueAfter(now: number): number | undefined;
  /** Removes the item if no newer message was coalesced into it meanwhile. */
  complete(item: OutboxItem): void;
  reschedule(item: OutboxItem, notBefore: number, error: string): void;
  /** Gives up on the item (kept as a dead letter for `delivery`). */
  deadLetter(item: OutboxItem, error: string): void;
  pendingCount(): number;
  deadLetters(limit: number): Array<{ conversationId: string; key: string; error: string; at: string }>;

  /** The activity id Teams gave the message sent under `key` in a conversation. */
  sentActivityId(conversationId: string, key: string): string | undefined;
  recordSent(conversationId: string, key: string, activityId: string): void;
}
