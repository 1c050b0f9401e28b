import type { Notifier, OutboundMessage } from './notifier';
import type { OutboxRepository } from './outbox';

/** The notifier: store durably, then wake the sender. */
export class OutboxNotifier implements Notifier {
  constructor(
    private readonly outbox: OutboxRepository,
    private readonly wake: () => void,
    private readonly now: () => number = Date.now,
  ) {}

  async post(conversationId: string, key: string, message: OutboundMessage): Promise<void> {
    await this.outbox.enqueue(conversationId, key, message, this.now());
    this.wake();
  }

  async adopt(conversationId: string, key: string, activityId: string): Promise<void> {
    await this.outbox.recordSent(conversationId, key, activityId);
  }
}
