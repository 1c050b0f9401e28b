import type { TurnContext } from '../../commands/context';
import type { Services } from '../../commands/services';
import type { Actor } from '../../core/access/identity';
import { silentLogger } from '../../core/logger';

/** A turn in a channel of conversation c1 whose replies go into `replies`, for driving commands without Teams. */
export function recordingTurn(services: Services, actor: Actor, replies: unknown[]): TurnContext {
  return {
    activityId: 'act-1',
    actor,
    conversation: { conversationId: 'c1', serviceUrl: 'http://x', channelId: 'msteams' },
    services,
    log: silentLogger,
    reply: async (m) => {
      replies.push(m);
      return 'r';
    },
    typing: async () => undefined,
  };
}
