import type { Actor } from '../core/access/identity';
import type { ConversationRef } from '../core/conversations/conversation';
import type { Logger } from '../core/logger';
import type { AdaptiveCard } from '../cards/card';
import type { Services } from './services';

/** One object per turn: who, where, how to answer, and the ports. Handlers import no singletons. */
export interface TurnContext {
  readonly activityId: string;
  /** A card action's turn: the id of the message holding the clicked card (the invoke's replyToId). */
  readonly cardActivityId?: string;
  readonly actor: Actor;
  readonly conversation: ConversationRef;
  readonly services: Services;
  readonly log: Logger;
  /** Sends a message in this conversation; resolves with its activity id. */
  reply(message: string | AdaptiveCard): Promise<string | undefined>;
  /** Shows the typing indicator (slow work follows). */
  typing(): Promise<void>;
}
