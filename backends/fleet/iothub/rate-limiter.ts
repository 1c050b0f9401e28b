/**
 * Token buckets for IoT Hub's quotas (S1: 50 twin updates/s, 100 twin reads/s, 20
 * queries/min per unit). Time and sleeping are injected so tests step them.
 */
export interface LimiterTime {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realTime: LimiterTime = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class QuotaWaitTooLongError extends Error {
  override readonly name = 'QuotaWaitTooLongError';
  constructor(
    readonly bucket: string,
    readonly waitMs: number,
  ) {
    super(`IoT Hub ${bucket} quota is used up for now; try again in ${Math.ceil(waitMs / 1000)} s.`);
  }
}

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    readonly name: string,
    private readonly ratePerSecond: number,
    private readonly capacity: number,
    private readonly time: LimiterTime,
  ) {
    this.tokens = capacity;
    this.updatedAt = time.now();
  }

  /** Waits for a token. With `maxWaitMs`, refuses (throws) instead of waiting longer. */
  async acquire(options: { maxWaitMs?: number; abortSignal?: AbortSignal } = {}): Promise<void> {
    for (;;) {
      options.abortSignal?.throwIfAborted();
      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      const waitMs = Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000);
      if (options.maxWaitMs !== undefined && waitMs > options.maxWaitMs) throw new QuotaWaitTooLongError(this.name, waitMs);
      await this.time.sleep(waitMs);
    }
  }

  private refill(): void {
    const now = this.time.now();
    const elapsed = Math.max(0, now - this.updatedAt) / 1000;
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.ratePerSecond);
    this.updatedAt = now;
  }
}

export interface IotHubQuotas {
  readonly twinUpdatesPerSecond: number;
  readonly twinReadsPerSecond: number;
  readonly queriesPerMinute: number;
}

/** S1 with one unit (the configuration's defaults). */
export { S1_QUOTAS } from '../../../core/config/config';

export interface IotHubLimiter {
  readonly twinUpdates: TokenBucket;
  readonly twinReads: TokenBucket;
  readonly queries: TokenBucket;
}

export function createLimiter(quotas: IotHubQuotas, time: LimiterTime): IotHubLimiter {
  return {
    twinUpdates: new TokenBucket('twin update', quotas.twinUpdatesPerSecond, Math.max(1, quotas.twinUpdatesPerSecond), time),
    twinReads: new TokenBucket('twin read', quotas.twinReadsPerSecond, Math.max(1, quotas.twinReadsPerSecond), time),
    // A small burst: a `fleet` summary needs a handful of queries at once.
    queries: new TokenBucket('query', quotas.queriesPerMinute / 60, Math.max(1, Math.min(6, quotas.queriesPerMinute)), time),
  };
}
