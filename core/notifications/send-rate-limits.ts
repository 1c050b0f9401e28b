import { SlidingWindowLimiter, TEAMS_CONVERSATION_LIMITS, TEAMS_TENANT_LIMITS, type WindowLimit } from './rate-limiter';

/**
 * Teams' rate limits are per bot, not per process: every replica's sends count in the same
 * windows. This port keeps them where all replicas see them (a send log in the database:
 * backends/store/sqlite/send-log.ts, backends/store/postgres/send-log.ts).
 */
export interface SendRateLimits {
  /**
   * Atomically, for every replica together: when one more send to `conversationId` (in
   * `tenantId`) now keeps each window within its limit, records it and returns 0;
   * otherwise records nothing and returns the ms to wait. `now` is read once the adapter
   * holds what makes the take atomic (a lock another replica may hold for a while): a time
   * read before that wait would record the send in the past, and its window would reopen early.
   */
  take(conversationId: string, tenantId: string, now: () => number): Promise<number>;
  /** Forgets sends older than the longest window (conversations that went quiet); returns how many. */
  prune(now: number): Promise<number>;
}

export interface SendLimits {
  readonly conversation: readonly WindowLimit[];
  readonly tenant: readonly WindowLimit[];
  /**
   * Widens every window: our clocks and Teams' differ by network jitter (and replicas' clocks
   * by NTP's few ms), so a send exactly one window after the oldest could still land inside Teams' window.
   */
  readonly marginMs: number;
}

/**
 * The margin is a quarter second: a send is recorded when its place is taken, and reaches Teams
 * after the store's commit and the HTTP request. With two replicas on a busy host that gap
 * exceeded 100 ms, and the connector stand-in saw 9 sends in 2 s (postgres-two-processes.test.ts).
 * It costs little: the sustained limit is 60 per 30 s, which 250 ms barely narrows.
 */
export const TEAMS_SEND_LIMITS: SendLimits = { conversation: TEAMS_CONVERSATION_LIMITS, tenant: TEAMS_TENANT_LIMITS, marginMs: 250 };

/** One window a send must fit in, for a SQL adapter: the scope it counts in and its widened width. */
export interface ScopedWindow {
  readonly scope: string;
  readonly limit: number;
  readonly windowMs: number;
}

export const conversationScope = (conversationId: string) => `c:${conversationId}`;
export const tenantScope = (tenantId: string) => `t:${tenantId}`;

/** Every window one send to `conversationId` in `tenantId` has to fit in. */
export function windowsFor(limits: SendLimits, conversationId: string, tenantId: string): ScopedWindow[] {
  const widen = (scope: string) => (l: WindowLimit) => ({ scope, limit: l.limit, windowMs: l.windowMs + limits.marginMs });
  return [...limits.conversation.map(widen(conversationScope(conversationId))), ...limits.tenant.map(widen(tenantScope(tenantId)))];
}

/** Sends older than this count in no window. */
export const longestWindowMs = (limits: SendLimits) => Math.max(...[...limits.conversation, ...limits.tenant].map((l) => l.windowMs)) + limits.marginMs;

/** In one process's memory: unit tests, and stores that have no send log. */
export class InMemorySendRateLimits implements SendRateLimits {
  private readonly perConversation: SlidingWindowLimiter;
  private readonly perTenant: SlidingWindowLimiter;

  constructor(limits: SendLimits = TEAMS_SEND_LIMITS) {
    this.perConversation = new SlidingWindowLimiter(limits.conversation, limits.marginMs);
    this.perTenant = new SlidingWindowLimiter(limits.tenant, limits.marginMs);
  }

  async take(conversationId: string, tenantId: string, clock: () => number): Promise<number> {
    const now = clock();
    const wait = Math.max(this.perConversation.delayFor(conversationId, now), this.perTenant.delayFor(tenantId, now));
    if (wait > 0) return wait;
    this.perConversation.record(conversationId, now);
    this.perTenant.record(tenantId, now);
    return 0;
  }

  async prune(): Promise<number> {
    return 0;
  }
}

export interface PaceOptions {
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** A person is waiting for this reply: past this, it goes out anyway (Teams answers 429 at worst, and the SDK retries). */
  readonly maxWaitMs?: number;
}

/**
 * Takes a place in Teams' windows for a reply to a person (a command's answer), waiting for
 * one when they are full. Replies count in the same per-bot windows as the outbox's cards,
 * so a reply that skipped this would let the outbox go over them. True once a place is
 * taken; false when `maxWaitMs` passed, or the store could not answer (the reply goes out
 * anyway: pacing protects the windows, it must never lose an answer).
 */
export async function paceReply(limits: SendRateLimits, conversationId: string, tenantId: string, options: PaceOptions = {}): Promise<boolean> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = now() + (options.maxWaitMs ?? 5_000);
  for (;;) {
    let waitMs: number;
    try {
      waitMs = await limits.take(conversationId, tenantId, now);
    } catch {
      return false;
    }
    if (waitMs <= 0) return true;
    if (now() + waitMs > deadline) return false;
    await sleep(waitMs);
  }
}
