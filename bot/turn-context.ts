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

export function createTurnContext(args: {
  activityId: string;
  cardActivityId?: string;
  actor: Actor;
  conversation: ConversationRef;
  services: Services;
  log: Logger;
  send: SendActivity;
}): TurnContext {
  const { send } = args;
  return {
    activityId: args.activityId,
    cardActivityId: args.cardActivityId,
    actor: args.actor,
    conversation: args.conversation,
    services: args.services,
    log: args.log.child({ activityId: args.activityId, conversationId: args.conversation.conversationId }),
    async reply(message: string | AdaptiveCard) {
      const sent = await send(messageActivity(message));
      return sent?.id;
    },
    async typing() {
      await send({ type: 'typing' });
    },
  };
}
