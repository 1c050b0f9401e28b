import type { ITypingActivityInput } from '@microsoft/teams.api';
import type { TurnContext } from '../commands/context';
import type { Services } from '../commands/services';
import type { Actor } from '../core/access/identity';
import type { ConversationRef } from '../core/conversations/conversation';
import type { Logger } from '../core/logger';
import type { AdaptiveCard } from '../cards/card';
import { messageActivity, type OutboundActivity } from './activities';

/** The transport's send: a message, or the typing indicator. */
export type SendActivity = (activity: OutboundActivity | ITypingActivityInput) => Promise<{ id?: string } | undefined>;

/**
 * Takes a place in Teams' per-bot rate windows before a send (core/notifications/send-rate-limits.ts
 * paceReply): true when one was taken, false when the windows stay full (a typing indicator is then skipped).
 */
export type PaceSend = () => Promise<boolean>;

export function createTurnContext(args: {
  activityId: string;
  cardActivityId?: string;
  actor: Actor;
  conversation: ConversationRef;
  services: Services;
  log: Logger;
  send: SendActivity;
  /** Absent: sends are not paced (unit tests of commands). */
  pace?: PaceSend;
}): TurnContext {
  const { send } = args;
  const pace = args.pace ?? (async () => true);
  return {
    activityId: args.activityId,
    cardActivityId: args.cardActivityId,
    actor: args.actor,
    conversation: args.conversation,
    services: args.services,
    log: args.log.child({ activityId: args.activityId, conversationId: args.conversation.conversationId }),
    async reply(message: string | AdaptiveCard) {
      await pace();
      const sent = await send(messageActivity(message));
      return sent?.id;
    },
    async typing() {
      // Only a hint that an answer is coming: not worth a wait, nor a place a card needs.
      if (await pace()) await send({ type: 'typing' });
    },
  };
}
