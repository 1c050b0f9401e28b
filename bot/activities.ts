import type { AdaptiveCard } from '../cards/card';
import type { OutboundMessage } from '../core/notifications/notifier';

const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/** A Bot Framework message activity for text and/or an Adaptive Card. */
export function messageActivity(message: string | AdaptiveCard | OutboundMessage): Record<string, unknown> {
  if (typeof message === 'string') return { type: 'message', text: message, textFormat: 'markdown' };
  if ('type' in message && message.type === 'AdaptiveCard') {
    return { type: 'message', attachments: [{ contentType: CARD_CONTENT_TYPE, content: message }] };
  }
  const outbound = message as OutboundMessage;
  const activity: Record<string, unknown> = { type: 'message' };
  if (outbound.text) {
    activity.text = outbound.text;
    activity.textFormat = 'markdown';
  }
  if (outbound.card) activity.attachments = [{ contentType: CARD_CONTENT_TYPE, content: outbound.card }];
  if (outbound.summary) activity.summary = outbound.summary;
  return activity;
}
