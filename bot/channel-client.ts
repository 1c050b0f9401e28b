import { Client as ConnectorClient } from '@microsoft/teams.api';
import type { Client as HttpClient } from '@microsoft/teams.common';
import { normalizeServiceUrl, type ConversationRef } from '../core/conversations/conversation';
import { ChannelError, type ChannelClient } from '../core/notifications/channel';
import type { OutboundMessage } from '../core/notifications/notifier';
import { messageActivity, type OutboundActivity } from './activities';

/**
 * The outbox's view of the Bot Connector, through the Teams SDK's API client (which
 * adds the bot's token in Azure mode). Failures become ChannelError with the HTTP
 * status and Retry-After, so the sender can decide to retry.
 */
export class TeamsChannelClient implements ChannelClient {
  constructor(
    private readonly http: HttpClient,
    private readonly botId: string,
    private readonly timeoutInMs = 15_000,
  ) {}

  async create(ref: ConversationRef, message: OutboundMessage): Promise<string> {
    const result = await this.call(() => this.activities(ref).create(this.activity(ref, message)));
    if (!result?.id) throw new ChannelError('the connector accepted the message but returned no activity id', 502);
    return result.id;
  }

  async update(ref: ConversationRef, activityId: string, message: OutboundMessage): Promise<void> {
    const activity: OutboundActivity = { ...this.activity(ref, message), id: activityId };
    await this.call(() => this.activities(ref).update(activityId, activity));
  }

  private activities(ref: ConversationRef) {
    // References stored before normalisation may still end with '/'.
    return new ConnectorClient(normalizeServiceUrl(ref.serviceUrl), this.http).conversations.activities(ref.conversationId);
  }

  private activity(ref: ConversationRef, message: OutboundMessage): OutboundActivity {
    // `from` and `conversation` are not part of the SDK's input type, but the connector reads them.
    const addressed = { ...messageActivity(message), from: { id: ref.botId ?? this.botId, role: 'bot' }, conversation: { id: ref.conversationId } };
    return addressed;
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ChannelError(`no answer from the connector within ${this.timeoutInMs} ms`)), this.timeoutInMs);
    });
    try {
      return await Promise.race([fn(), timeout]);
    } catch (error) {
      throw toChannelError(error);
    } finally {
      clearTimeout(timer);
    }
  }
}

function toChannelError(error: unknown): ChannelError {
  if (error instanceof ChannelError) return error;
  const e = error as { message?: string; response?: { status?: number; headers?: Record<string, unknown> }; status?: number };
  const status = e.response?.status ?? e.status;
  const retryAfter = e.response?.headers?.['retry-after'];
  return new ChannelError(e.message ?? String(error), status, typeof retryAfter === 'string' ? retryAfter : undefined);
}
