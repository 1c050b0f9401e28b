/**
 * Proactive messages. Everything goes through a durable outbox: `post` returns once
 * the message is stored, and a sender drains it within Teams' rate limits.
 *
 * `key` names the logical message (e.g. `alert:<id>`, `rollout:<id>`). The first post
 * of a key to a conversation sends a new message; later posts update that message in
 * place. Posts of the same key that have not been sent yet are coalesced: only the
 * latest content goes out.
 */
export interface Notifier {
  post(conversationId: string, key: string, message: OutboundMessage): Promise<void>;
  /**
   * Makes a message already in the conversation (a command's reply, the card a button was
   * clicked on) the one `key` updates from now on: the plan card becomes the progress card.
   */
  adopt?(conversationId: string, key: string, activityId: string): void | Promise<void>;
}

/** An Adaptive Card (plain JSON) and/or text. */
export interface OutboundMessage {
  readonly text?: string;
  readonly card?: object;
  /** Short text shown in notifications/activity feed. */
  readonly summary?: string;
}
