import type { OutboundMessage } from '../../../core/notifications/notifier';
import type { OutboxItem } from '../../../core/notifications/outbox';

/** An outbox row as either adapter reads it (PostgreSQL returns BIGINT as text). */
export interface OutboxRow {
  id: number | string;
  conversation_id: string;
  message_key: string;
  message_json: string;
  version: number;
  attempts: number;
  not_before: number | string;
}

export const toOutboxItem = (r: OutboxRow): OutboxItem => ({
  id: Number(r.id),
  conversationId: r.conversation_id,
  key: r.message_key,
  message: JSON.parse(r.message_json) as OutboundMessage,
  version: r.version,
  attempts: r.attempts,
  notBefore: Number(r.not_before),
});
