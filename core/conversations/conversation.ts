/** Everything needed to message a conversation later (a proactive send). */
export interface ConversationRef {
  readonly conversationId: string;
  readonly serviceUrl: string;
  readonly tenantId?: string;
  readonly channelId: string; // 'msteams', 'emulator', ...
  /** personal | groupChat | channel */
  readonly conversationType?: string;
  readonly botId?: string;
  readonly name?: string;
}

export interface ConversationRepository {
  upsert(ref: ConversationRef): Promise<void>;
  get(conversationId: string): Promise<ConversationRef | undefined>;
  list(): Promise<ConversationRef[]>;
  remove(conversationId: string): Promise<void>;
}

/**
 * Real Teams serviceUrls end with `/` (`https://smba.trafficmanager.net/amer/`). The SDK trims
 * it for replies but not for proactive sends, which then went to `…/amer//v3/…`: stored refs
 * carry the URL without trailing slashes, so every path is built the same way.
 */
export function normalizeServiceUrl(serviceUrl: string): string {
  return serviceUrl.replace(/\/+$/, '');
}
