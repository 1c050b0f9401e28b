/**
 * Sliding-window rate limits (Teams: per bot per conversation 7/1 s, 8/2 s, 60/30 s,
 * 1,800/h; per app per tenant 50/s). Pure and clock-free: callers pass `now` in ms,
 * so tests need no timers.
 */
export interface WindowLimit {
  readonly limit: number;
  readonly windowMs: number;
}

export const TEAMS_CONVERSATION_LIMITS: readonly WindowLimit[] = [
  { limit: 7, windowMs: 1_000 },
  { limit: 8, windowMs: 2_000 },
  { limit: 60, windowMs: 30_000 },
  { limit: 1_800, windowMs: 3_600_000 },
];

export const TEAMS_TENANT_LIMITS: readonly WindowLimit[] = [{ limit: 50, windowMs: 1_000 }];

export class SlidingWindowLimiter {
  private readonly history = new Map<string, number[]>();
  private readonly longestWindowMs: number;
  private readonly limits: readonly WindowLimit[];

  /**
   * `marginMs` widens every window: our clock and Teams' differ by network jitter, so a
   * send exactly one window after the oldest could still land inside Teams' window.
   */
  constructor(limits: readonly WindowLimit[], marginMs = 100) {
    this.limits = limits.map((l) => ({ limit: l.limit, windowMs: l.windowMs + marginMs }));
    this.longestWindowMs = Math.max(...this.limits.map((l) => l.windowMs));
  }

  /** Milliseconds to wait before a send to `key` is allowed (0 = now). Does not record. */
  delayFor(key: string, now: number): number {
    const times = this.prune(key, now);
    let wait = 0;
    for (const { limit, windowMs } of this.limits) {
      // Count sends inside (now - windowMs, now]; if full, wait until the oldest of them leaves.
      let inWindow = 0;
      for (let i = times.length - 1; i >= 0 && times[i]! > now - windowMs; i--) inWindow++;
      if (inWindow >= limit) {
        const oldestInWindow = times[times.length - limit]!;
        wait = Math.max(wait, oldestInWindow + windowMs - now);
      }
    }
    return wait;
  }

  record(key: string, now: number): void {
    const times = this.prune(key, now);
    times.push(now);
    this.history.set(key, times);
  }

  private prune(key: string, now: number): number[] {
    const times = this.history.get(key) ?? [];
    let drop = 0;
    while (drop < times.length && times[drop]! <= now - this.longestWindowMs) drop++;
    if (drop > 0) times.splice(0, drop);
    if (times.length === 0) this.history.delete(key);
    return times;
  }
}
