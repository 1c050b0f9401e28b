import type { ConversationRepository } from '../conversations/conversation';
import type { Logger } from '../logger';
import type { ChannelClient } from './channel';
import type { OutboxItem, OutboxRepository } from './outbox';
import { backoffDelayMs, parseRetryAfter, type BackoffOptions } from '../backoff';
import { isRetryable } from './retry-policy';
import { SlidingWindowLimiter, TEAMS_CONVERSATION_LIMITS, TEAMS_TENANT_LIMITS, type WindowLimit } from './rate-limiter';

export interface OutboxSenderOptions {
  readonly conversationLimits?: readonly WindowLimit[];
  readonly tenantLimits?: readonly WindowLimit[];
  readonly backoff?: BackoffOptions;
  /** A message that failed this many times with a retryable error is still retried, but logged loudly. */
  readonly warnAfterAttempts?: number;
  readonly batchSize?: number;
}

export interface DrainResult {
  readonly sent: number;
  readonly updated: number;
  readonly retried: number;
  readonly dead: number;
  /** ms until the next item could go out (rate limit or backoff), undefined = queue empty. */
  readonly nextInMs: number | undefined;
}

/**
 * Drains the outbox: per conversation in order, within Teams' rate limits, updating a
 * message in place when the key was sent before. Transient failures are retried with
 * backoff (honouring Retry-After) forever: a card is delayed, never dropped. Permanent
 * failures (the bot was removed, the conversation is gone) become dead letters.
 */
export class OutboxSender {
  private readonly perConversation: SlidingWindowLimiter;
  private readonly perTenant: SlidingWindowLimiter;
  private draining: Promise<DrainResult> | undefined;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly conversations: ConversationRepository,
    private readonly channel: ChannelClient,
    private readonly log: Logger,
    private readonly options: OutboxSenderOptions = {},
  ) {
    this.perConversation = new SlidingWindowLimiter(options.conversationLimits ?? TEAMS_CONVERSATION_LIMITS);
    this.perTenant = new SlidingWindowLimiter(options.tenantLimits ?? TEAMS_TENANT_LIMITS);
  }

  /** One pass over what is due. Concurrent calls share the same pass. */
  drainOnce(now: () => number = Date.now): Promise<DrainResult> {
    this.draining ??= this.pass(now).finally(() => {
      this.draining = undefined;
    });
    return this.draining;
  }

  private async pass(now: () => number): Promise<DrainResult> {
    let sent = 0;
    let updated = 0;
    let retried = 0;
    let dead = 0;
    let nextInMs: number | undefined;
    const wait = (ms: number) => {
      nextInMs = nextInMs === undefined ? ms : Math.min(nextInMs, ms);
    };
    const blocked = new Set<string>(); // keep per-conversation order: once one item waits, later ones wait too
    const items = await this.outbox.due(now(), this.options.batchSize ?? 500);
    for (const item of items) {
      if (blocked.has(item.conversationId)) continue;
      const ref = await this.conversations.get(item.conversationId);
      if (!ref) {
        await this.outbox.deadLetter(item, 'unknown conversation (the bot was never installed there, or was removed)');
        dead++;
        continue;
      }
      const tenantKey = ref.tenantId ?? 'default';
      const t = now();
      const delay = Math.max(this.perConversation.delayFor(ref.conversationId, t), this.perTenant.delayFor(tenantKey, t));
      if (delay > 0) {
        blocked.add(item.conversationId);
        wait(delay);
        continue;
      }
      this.perConversation.record(ref.conversationId, t);
      this.perTenant.record(tenantKey, t);
      try {
        const existing = await this.outbox.sentActivityId(item.conversationId, item.key);
        if (existing) {
          await this.channel.update(ref, existing, item.message);
          updated++;
        } else {
          const activityId = await this.channel.create(ref, item.message);
          // First thing, in a durable write of its own: from here on a crash updates this card
          // instead of posting it again. (A crash before this line posts it twice: at least once.)
          await this.outbox.recordSent(item.conversationId, item.key, activityId);
          sent++;
        }
        await this.outbox.complete(item);
      } catch (error) {
        const status = (error as { status?: number }).status;
        const message = error instanceof Error ? error.message : String(error);
        if (isRetryable(status)) {
          const retryAfterMs = parseRetryAfter((error as { retryAfter?: string }).retryAfter, now());
          const delayMs = backoffDelayMs(item.attempts + 1, retryAfterMs, this.options.backoff);
          await this.outbox.reschedule(item, now() + delayMs, `${status ?? 'no response'}: ${message}`);
          blocked.add(item.conversationId);
          wait(delayMs);
          retried++;
          const level = item.attempts + 1 >= (this.options.warnAfterAttempts ?? 5) ? 'warn' : 'debug';
          this.log[level]({ conversationId: item.conversationId, key: item.key, status, attempts: item.attempts + 1, delayMs }, 'send failed, will retry');
        } else {
          await this.outbox.deadLetter(item, `${status}: ${message}`);
          dead++;
          this.log.error({ conversationId: item.conversationId, key: item.key, status, err: message }, 'send failed permanently, kept as dead letter');
        }
      }
    }
    // Items skipped above already set their wait (rate limit); add backoffs scheduled for later,
    // and come straight back if the batch was full.
    const t = now();
    const next = await this.outbox.nextDueAfter(t);
    if (next !== undefined) wait(next - t);
    if (items.length === (this.options.batchSize ?? 500)) wait(0);
    return { sent, updated, retried, dead, nextInMs };
  }
}

export type { OutboxItem };
