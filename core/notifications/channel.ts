import type { ConversationRef } from '../conversations/conversation';
import type { OutboundMessage } from './notifier';

/** The Bot Connector as the outbox sees it: create a message, or replace one. */
export interface ChannelClient {
  create(ref: ConversationRef, message: OutboundMessage): Promise<string>;
  update(ref: ConversationRef, activityId: string, message: OutboundMessage): Promise<void>;
}

/** A failed connector call; `status` undefined = no HTTP answer (timeout, reset). */
export class ChannelError extends Error {
  override readonly name = 'ChannelError';
  constructor(
    message: string,
    readonly status?: number,
    readonly retryAfter?: string,
  ) {
    super(message);
  }
}
