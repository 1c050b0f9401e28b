import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { startFleetOps, type RunningBot, type StartOptions } from '../../bot/server';
import { silentLogger } from '../../core/logger';
import { RecordingConnector, type RecordedActivity } from './recording-connector';

export interface TestUser {
  readonly id: string;
  readonly name: string;
  readonly aadObjectId: string;
}

export const USERS = {
  admin: { id: 'user-admin', name: 'Ada Admin', aadObjectId: 'aad-admin' },
  releaseLead: { id: 'user-lead', name: 'Rita Lead', aadObjectId: 'aad-lead' },
  operator: { id: 'user-op', name: 'Otto Operator', aadObjectId: 'aad-op' },
  viewer: { id: 'user-viewer', name: 'Vera Viewer', aadObjectId: 'aad-viewer' },
} as const satisfies Record<string, TestUser>;

export type ConversationKind = 'personal' | 'groupChat' | 'channel';

export const BOT_ID = '28:fleetops-test-bot';

export interface TestBot {
  readonly bot: RunningBot;
  readonly url: string;
  readonly connector: RecordingConnector;
  readonly dataDir: string;
  /** Sends a chat message as `user` (the @mention is added in channels and group chats, as Teams does). */
  say(text: string, options?: { user?: TestUser; conversation?: ConversationKind; conversationId?: string }): Promise<Response>;
  /** Says `text` and waits for the bot's next message; returns it. */
  sayAndWait(text: string, options?: { user?: TestUser; conversation?: ConversationKind; conversationId?: string }): Promise<RecordedActivity>;
  /** Clicks an Action.Execute button: an adaptiveCard/action invoke. Returns the invoke response body. */
  click(
    verb: string,
    data?: Record<string, unknown>,
    options?: { user?: TestUser; conversation?: ConversationKind /** The message holding the clicked card, as Teams sends it. */; replyToId?: string },
  ): Promise<any>;
  /** POSTs to one of the bot's own endpoints (webhooks). */
  post(pathAndQuery: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  conversationId(kind: ConversationKind): string;
  stop(): Promise<void>;
}

/**
 * Starts the real server (HTTP, Teams SDK, stores, features) on a free loopback port,
 * with a recording Bot Connector as the conversations' serviceUrl.
 */
export async function startTestBot(
  options: {
    env?: Record<string, string>;
    start?: StartOptions;
    dataDir?: string;
    connector?: RecordingConnector /** Appended to the connector's URL, e.g. '/amer/' as Teams sends it. */;
    servicePath?: string;
  } = {},
): Promise<TestBot> {
  const connector = options.connector ?? (await new RecordingConnector().start());
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'fleetops-test-'));
  const env: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    SIM_DEVICES: '0',
    LOG_LEVEL: 'silent',
    ADMINS: USERS.admin.aadObjectId,
    RELEASE_LEADS: USERS.releaseLead.aadObjectId,
    OPERATORS: USERS.operator.aadObjectId,
    ...options.env,
  };
  const bot = await startFleetOps(env, { logger: silentLogger, ...options.start });
  const conversations: Record<ConversationKind, string> = {
    personal: 'a:personal-chat-1',
    groupChat: '19:group-chat-1@thread.v2',
    channel: '19:channel-1@thread.tacv2;messageid=1',
  };

  const base = (kind: ConversationKind, user: TestUser, conversationId?: string) => ({
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: `${connector.url}${options.servicePath ?? ''}`,
    from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
    recipient: { id: BOT_ID, name: 'FleetOps' },
    conversation: {
      id: conversationId ?? conversations[kind],
      conversationType: kind,
      tenantId: 'tenant-1',
      ...(kind === 'personal' ? {} : { isGroup: true }),
    },
    channelData: { tenant: { id: 'tenant-1' }, ...(kind === 'channel' ? { team: { id: 'team-1' }, channel: { id: '19:channel-1@thread.tacv2' } } : {}) },
    locale: 'en-US',
  });

  const postJson = (p: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${bot.url}${p}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  const testBot: TestBot = {
    bot,
    url: bot.url,
    connector,
    dataDir,
    conversationId: (kind) => conversations[kind],
    async say(text, { user = USERS.viewer, conversation = 'personal', conversationId } = {}) {
      const mentioned = conversation !== 'personal';
      const activity = {
        ...base(conversation, user, conversationId),
        type: 'message',
        text: mentioned ? `<at>FleetOps</at> ${text}` : text,
        textFormat: 'plain',
        entities: mentioned ? [{ type: 'mention', text: '<at>FleetOps</at>', mentioned: { id: BOT_ID, name: 'FleetOps' } }] : [],
      };
      return postJson('/api/messages', activity);
    },
    async sayAndWait(text, options) {
      const before = connector.messages.length;
      const conversationId = options?.conversationId ?? conversations[options?.conversation ?? 'personal'];
      // The turn's last answer: a new message in that conversation, not the update of a card sent before (the outbox may deliver one meanwhile).
      const answer = () => connector.messages.slice(before).findLast((m) => m.kind !== 'update' && m.conversationId === conversationId);
      await testBot.say(text, options);
      await connector.waitFor(() => answer() !== undefined);
      return answer()!;
    },
    async click(verb, data = {}, { user = USERS.viewer, conversation = 'personal', replyToId } = {}) {
      const activity = {
        ...base(conversation, user),
        ...(replyToId ? { replyToId } : {}),
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: { action: { type: 'Action.Execute', verb, data: { ...data, verb } }, trigger: 'manual' },
      };
      const response = await postJson('/api/messages', activity);
      const text = await response.text();
      return text ? JSON.parse(text) : undefined;
    },
    post: postJson,
    async stop() {
      await bot.stop(2_000);
      if (!options.connector) await connector.stop();
    },
  };
  return testBot;
}
