import type { AdaptiveCardActionCardResponse, AdaptiveCardActionResponse, AdaptiveCardInvokeAction, CloudEnvironment, IActivity } from '@microsoft/teams.api';
import { App, ExpressAdapter } from '@microsoft/teams.apps';
import type { AdaptiveCard } from '../cards/card';
import type { Express } from 'express';
import type { Services } from '../commands/services';
import { dispatchCardAction, dispatchMessage } from '../commands/dispatch';
import { normalizeServiceUrl, type ConversationRef } from '../core/conversations/conversation';
import type { Logger } from '../core/logger';
import type { AppConfig } from '../core/config/config';
import type { Telemetry } from '../core/ports/telemetry';
import { paceReply, type SendRateLimits } from '../core/notifications/send-rate-limits';
import type { RefusalCode } from '../core/refusal';
import { actorFromAccount } from './identity';
import { createTurnContext, type SendActivity } from './turn-context';
import { handleTurnError } from './errors';
import { sdkLogger } from './sdk-logger';
import { stripBotMention } from './mentions';

/**
 * The Teams SDK app: JWT validation of /api/messages (Azure mode), then one route per
 * activity kind, each handing a TurnContext to the command dispatcher. Transport only.
 */
export function createTeamsApp(args: {
  config: AppConfig;
  express: Express;
  services: Services;
  /** A personal chat with someone (their ids and UPN): the features that message people one to one remember it. */
  onPersonalChat(keys: readonly string[], conversationId: string): Promise<void>;
  log: Logger;
  telemetry: Telemetry;
  /** Teams' per-bot windows, shared with the outbox: replies count in them too. */
  sendLimits: SendRateLimits;
  cloud?: CloudEnvironment;
}): App {
  const { config, services, log, telemetry } = args;
  const app = new App({
    clientId: config.bot?.clientId ?? '',
    clientSecret: config.bot?.clientSecret ?? '',
    tenantId: config.bot?.tenantId,
    // Local mode only (no CLIENT_ID): the Playground sends unsigned requests, and
    // readConfig guarantees we then listen on loopback only.
    dangerouslyAllowUnauthenticatedRequests: !config.bot,
    httpServerAdapter: new ExpressAdapter(args.express, { logger: sdkLogger(log, 'http') }),
    logger: sdkLogger(log),
    ...(args.cloud ? { cloud: args.cloud } : {}),
    // No SDK turn state: every replica must be able to answer any turn, so all state is in our store.
    state: false,
  });

  const conversationOf = (activity: IActivity): ConversationRef => ({
    conversationId: activity.conversation?.id,
    // A missing serviceUrl stays falsy (''), so such a conversation is not recorded.
    serviceUrl: normalizeServiceUrl(activity.serviceUrl ?? ''),
    tenantId: activity.conversation?.tenantId ?? activity.channelData?.tenant?.id,
    channelId: activity.channelId ?? 'msteams',
    conversationType: activity.conversation?.conversationType,
    botId: activity.recipient?.id,
    name: activity.conversation?.name,
  });

  const turnOf = (activity: IActivity, send: SendActivity) => {
    const conversation = conversationOf(activity);
    return createTurnContext({
      activityId: activity.id ?? 'unknown',
      cardActivityId: typeof activity.replyToId === 'string' ? activity.replyToId : undefined,
      actor: actorFromAccount(activity.from, services.access),
      conversation,
      services,
      log,
      send,
      pace: () => paceReply(args.sendLimits, conversation.conversationId, conversation.tenantId ?? 'default'),
    });
  };

  // Remember every conversation the bot is in (installed, or first spoken to), for proactive sends.
  app.use(async (ctx) => {
    const ref = conversationOf(ctx.activity);
    if (ref.conversationId && ref.serviceUrl) {
      try {
        await services.conversations.upsert(ref);
      } catch (error) {
        log.error({ err: String(error) }, 'could not record the conversation reference');
      }
    }
    // A personal chat is where on-call pages reach this person (core/oncall/escalator.ts).
    if (ref.conversationType === 'personal' && ref.conversationId) {
      const from = ctx.activity.from;
      const actor = actorFromAccount(from, services.access);
      await args
        .onPersonalChat(
          [actor.id, from?.id, actor.upn].filter((k): k is string => typeof k === 'string' && k !== ''),
          ref.conversationId,
        )
        .catch((error: unknown) => log.error({ err: String(error) }, 'could not record the personal chat'));
    }
    return ctx.next();
  });

  app.on('install.remove', async (ctx) => {
    await services.conversations.remove(ctx.activity.conversation.id);
  });

  app.on('conversationUpdate', async (ctx) => {
    const added = ctx.activity.membersAdded;
    if (added?.some((m) => m.id === ctx.activity.recipient.id)) {
      await turnOf(ctx.activity, (a) => ctx.send(a)).reply(
        'Hi, I am FleetOps. Type `help` to see what I can do, or `subscribe alerts` to get alert cards here.',
      );
    }
  });

  app.on('message', async (ctx) => {
    const started = Date.now();
    const activity = ctx.activity;
    const turn = turnOf(activity, (a) => ctx.send(a));
    const text = stripBotMention(activity.text ?? '', activity.entities, activity.recipient?.id);
    // A card submitted through the Action.Submit fallback arrives as a message with `value`.
    const value = activity.value as Record<string, unknown> | undefined;
    let ok = true;
    try {
      if (!text && value && typeof value.verb === 'string') {
        const result = await dispatchCardAction(turn, value.verb, value);
        trackRefusal(telemetry, result.refused, value.verb);
        await turn.reply(result.card ?? result.message);
      } else {
        trackRefusal(telemetry, (await dispatchMessage(turn, text)).refused, text.split(/\s+/)[0] || 'message');
      }
    } catch (error) {
      ok = false;
      await turn.reply(handleTurnError(error, { activityId: turn.activityId, log, telemetry, what: 'your command' })).catch(() => undefined);
    } finally {
      telemetry.trackCommand(text.split(/\s+/)[0] || 'card', Date.now() - started, ok);
    }
  });

  app.on('card.action', async (ctx): Promise<AdaptiveCardActionResponse> => {
    const started = Date.now();
    const action: Partial<AdaptiveCardInvokeAction> = ctx.activity.value?.action ?? {};
    const verb = String(action.verb ?? '');
    const turn = turnOf(ctx.activity, (a) => ctx.send(a));
    let ok = true;
    try {
      const data: Record<string, unknown> = { ...(action.data ?? {}) };
      const result = await dispatchCardAction(turn, verb, data);
      trackRefusal(telemetry, result.refused, verb);
      if (result.card) {
        assertSdkCard(result.card);
        return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: result.card };
      }
      return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: result.message };
    } catch (error) {
      ok = false;
      const message = handleTurnError(error, { activityId: turn.activityId, log, telemetry, what: 'that button' });
      return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: message };
    } finally {
      telemetry.trackCardAction(verb, Date.now() - started, ok);
    }
  });

  return app;
}

/** A turn the domain refused counts by its code (the audit and the log line carry the same code). */
function trackRefusal(telemetry: Telemetry, code: RefusalCode | undefined, action: string): void {
  if (code) telemetry.trackEvent('refusal', { code, action });
}

/**
 * Our cards are plain JSON (cards/card.ts) checked by schema tests, not built from the SDK's
 * element classes; the SDK's card response wants its own card type, so this check is where
 * one becomes the other (on the discriminant Teams itself reads).
 */
function assertSdkCard(card: AdaptiveCard): asserts card is AdaptiveCard & AdaptiveCardActionCardResponse['value'] {
  if (card.type !== 'AdaptiveCard') throw new Error(`not an Adaptive Card: ${String(card.type)}`);
}
