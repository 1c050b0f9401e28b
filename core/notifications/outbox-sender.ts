import type { ConversationRepository } from '../conversations/conversation';
import type { Logger } from '../logger';
import type { ChannelClient } from './channel';
import type { OutboxItem, OutboxRepository } from './outbox';
import { backoffDelayMs, parseRetryAfter, type BackoffOptions } from '../backoff';
import { isRetryable } from './retry-policy';
import { realTimers, type Timers } from '../scheduling/timers';
import { InMemorySendRateLimits, type SendRateLimits } from './send-rate-limits';

export interface OutboxSenderOptions {
  /** Teams' windows: in the store for every replica together (bot/server.ts); in memory when absent (unit tests). */
  readonly rateLimits?: SendRateLimits;
  /**
   * While a pass holds rows (a shared store leases what `due` returns), their lease is renewed
   * this often, so a slow send (the connector may take 15 s) does not let another replica send them too.
   */
  readonly leaseRenewEveryMs?: number;
  readonly timers?: Timers;
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
  private readonly rateLimits: SendRateLimits;
  private draining: Promise<DrainResult> | undefined;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly conversations: ConversationRepository,
    private readonly channel: ChannelClient,
    private readonly log: Logger,
    private readonly options: OutboxSenderOptions = {},
  ) {
    this.rateLimits = options.rateLimits ?? new InMemorySendRateLimits();
  }

  /** One pass over what is due. Concurrent calls share the same pass. */
  drainOnce(now: () => number = Date.now): Promise<DrainResult> {
    this.draining ??= this.pass(now).finally(() => {
      this.draining = undefined;
    });
    return this.draining;
  }

  private async pass(now: () => number): Promise<DrainResult> {
    const counts = { sent: 0, updated: 0, retried: 0, dead: 0 };
    let nextInMs: number | undefined;
    const wait = (ms: number) => {
      nextInMs = nextInMs === undefined ? ms : Math.min(nextInMs, ms);
    };
    const blocked = new Set<string>(); // keep per-conversation order: once one item waits, later ones wait too
    const skipped: OutboxItem[] = [];
    const items = await this.outbox.due(now(), this.options.batchSize ?? 500);
    // The rows this pass holds (a shared store leases what `due` returns), their lease renewed until each is done.
    const held = new Set(items);
    const stopRenewing = this.renewLeases(held, now);
    try {
      for (const item of items) {
        if (blocked.has(item.conversationId)) {
          skipped.push(item);
          continue;
        }
        const outcome = await this.sendOne(item, now);
        if (outcome.kind === 'waiting') skipped.push(item);
        else {
          held.delete(item);
          counts[outcome.kind]++;
        }
        if (outcome.waitMs !== undefined) {
          blocked.add(item.conversationId);
          wait(outcome.waitMs);
        }
      }
    } finally {
      stopRenewing();
    }
    // Taken but not sent (rate limits): due again for whichever replica comes next.
    await this.outbox.release(skipped);
    // Items skipped above already set their wait (rate limit); add backoffs scheduled for later,
    // and come straight back if the batch was full.
    const t = now();
    const next = await this.outbox.nextDueAfter(t);
    if (next !== undefined) wait(next - t);
    if (items.length === (this.options.batchSize ?? 500)) wait(0);
    return { ...counts, nextInMs };
  }

  /** One item: sent, updated in place, rescheduled, dead-lettered, or left waiting for a rate window. */
  private async sendOne(item: OutboxItem, now: () => number): Promise<{ kind: 'sent' | 'updated' | 'retried' | 'dead' | 'waiting'; waitMs?: number }> {
    const ref = await this.conversations.get(item.conversationId);
    if (!ref) {
      await this.outbox.deadLetter(item, 'unknown conversation (the bot was never installed there, or was removed)');
      return { kind: 'dead' };
    }
    // Checked and recorded in one step, for every replica together (the windows are per bot).
    const delay = await this.rateLimits.take(ref.conversationId, ref.tenantId ?? 'default', now);
    if (delay > 0) return { kind: 'waiting', waitMs: delay };
    try {
      const existing = await this.outbox.sentActivityId(item.conversationId, item.key);
      let kind: 'sent' | 'updated';
      if (existing) {
        await this.channel.update(ref, existing, item.message);
        kind = 'updated';
      } else {
        const activityId = await this.channel.create(ref, item.message);
        // First thing, in a durable write of its own: from here on a crash updates this card
        // instead of posting it again. (A crash before this line posts it twice: at least once.)
        await this.outbox.recordSent(item.conversationId, item.key, activityId);
        kind = 'sent';
      }
      await this.outbox.complete(item);
      return { kind };
    } catch (error) {
      const status = (error as { status?: number }).status;
      const message = error instanceof Error ? error.message : String(error);
      if (isRetryable(status)) {
        const retryAfterMs = parseRetryAfter((error as { retryAfter?: string }).retryAfter, now());
        const delayMs = backoffDelayMs(item.attempts + 1, retryAfterMs, this.options.backoff);
        await this.outbox.reschedule(item, now() + delayMs, `${status ?? 'no response'}: ${message}`);
        const level = item.attempts + 1 >= (this.options.warnAfterAttempts ?? 5) ? 'warn' : 'debug';
        this.log[level]({ conversationId: item.conversationId, key: item.key, status, attempts: item.attempts + 1, delayMs }, 'send failed, will retry');
        return { kind: 'retried', waitMs: delayMs };
      }
      await this.outbox.deadLetter(item, `${status}: ${message}`);
      this.log.error({ conversationId: item.conversationId, key: item.key, status, err: message }, 'send failed permanently, kept as dead letter');
      return { kind: 'dead' };
    }
  }

  /** Renews the lease of the rows in `held` every `leaseRenewEveryMs` until the returned function is called. */
  private renewLeases(held: ReadonlySet<OutboxItem>, now: () => number): () => void {
    const timers = this.options.timers ?? realTimers;
    const every = this.options.leaseRenewEveryMs ?? 3_000;
    let stopped = false;
    const renew = async () => {
      if (stopped) return;
      if (held.size > 0) {
        await this.outbox.extendLease([...held], now()).catch((error: unknown) => this.log.warn({ err: String(error) }, 'could not renew the outbox lease'));
      }
      if (!stopped) cancel = timers.after(every, () => void renew());
    };
    let cancel = timers.after(every, () => void renew());
    return () => {
      stopped = true;
      cancel();
    };
  }
}

export type { OutboxItem };
