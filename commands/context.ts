import type { Actor } from '../core/access/identity';
import type { ConversationRef } from '../core/conversations/conversation';
import type { Logger } from '../core/logger';
import type { AdaptiveCard } from '../cards/card';
import type { Services } from './services';

/**
 * One object per turn: who, where, how to answer, and the services. Handlers import no
 * singletons. `services` is the foundation's for the dispatcher and the foundation's
 * commands; a feature's commands get that feature's dependencies there instead (typed by
 * the command file, bound by the composition root: bot/features/feature.ts).
 */
export interface TurnContext<S = Services> {
  readonly activityId: string;
  /** A card action's turn: the id of the message holding the clicked card (the invoke's replyToId). */
  readonly cardActivityId?: string;
  readonly actor: Actor;
  readonly conversation: ConversationRef;
  readonly services: S;
  readonly log: Logger;
  /** Sends a message in this conversation; resolves with its activity id. */
  reply(message: string | AdaptiveCard): Promise<string | undefined>;
  /** Shows the typing indicator (slow work follows). */
  typing(): Promise<void>;
}
