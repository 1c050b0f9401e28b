import type { IMessageActivityInput } from '@microsoft/teams.api';
import type { AdaptiveCard } from '../cards/card';
import { clipBytes, fitStrings, MAX_ACTIVITY_BYTES, MAX_SUMMARY_BYTES } from '../cards/fit';
import type { OutboundMessage } from '../core/notifications/notifier';

const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/** A message input plus `summary` (the notification preview), which the SDK's input type omits but the connector accepts. */
export type OutboundActivity = IMessageActivityInput & { summary?: string };

/** A Bot Framework message activity for text and/or an Adaptive Card, clipped to fit under Teams' size limit. */
export function messageActivity(message: string | AdaptiveCard | OutboundMessage): OutboundActivity {
  return fitStrings(unclippedActivity(message), MAX_ACTIVITY_BYTES);
}

function unclippedActivity(message: string | AdaptiveCard | OutboundMessage): OutboundActivity {
  if (typeof message === 'string') return { type: 'message', text: message, textFormat: 'markdown' };
  if ('type' in message && message.type === 'AdaptiveCard') {
    return { type: 'message', attachments: [{ contentType: CARD_CONTENT_TYPE, content: message }] };
  }
  const outbound = message as OutboundMessage;
  const activity: OutboundActivity = { type: 'message' };
  if (outbound.text) {
    activity.text = outbound.text;
    activity.textFormat = 'markdown';
  }
  if (outbound.card) activity.attachments = [{ contentType: CARD_CONTENT_TYPE, content: outbound.card }];
  if (outbound.summary) activity.summary = clipBytes(outbound.summary, MAX_SUMMARY_BYTES);
  return activity;
}
