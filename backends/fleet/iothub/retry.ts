import { backoffDelayMs, parseRetryAfter } from '../../../core/backoff';
import type { LimiterTime } from './rate-limiter';

/** An SDK error as azure-iothub's RestApiClient.translateError builds it. */
export interface SdkError extends Error {
  response?: { statusCode?: number; headers?: Record<string, string | string[] | undefined> };
  responseBody?: unknown;
}

export const statusOf = (error: unknown): number | undefined => (error as SdkError | undefined)?.response?.statusCode;

const RETRIABLE = new Set([429, 500, 503, 504]);

export const isThrottled = (error: unknown): boolean => statusOf(error) === 429 || (error as Error | undefined)?.name === 'ThrottlingError';

function isRetriable(error: unknown): boolean {
  const status = statusOf(error);
  return isThrottled(error) || (status !== undefined && RETRIABLE.has(status));
}

export interface RetryOptions {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly random: () => number;
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 30_000, random: Math.random };

/**
 * Retries 429 (and 500/503/504) with exponential backoff and full jitter, honouring
 * Retry-After when the hub sends it. Other errors go straight to the caller.
 */
export async function withRetry<T>(
  operation: () => Promise<T>,
  time: LimiterTime,
  options: RetryOptions = DEFAULT_RETRY,
  abortSignal?: AbortSignal,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!isRetriable(error) || attempt >= options.maxAttempts) throw error;
      abortSignal?.throwIfAborted();
      // The hub's Retry-After (at most a minute) when it gives one, else our backoff.
      await time.sleep(
        retryAfterMs(error) ?? backoffDelayMs(attempt, undefined, { baseMs: options.baseDelayMs, maxMs: options.maxDelayMs, random: options.random }),
      );
    }
  }
}

function retryAfterMs(error: unknown): number | undefined {
  const header = (error as SdkError).response?.headers?.['retry-after'];
  const value = Array.isArray(header) ? header[0] : header;
  const ms = parseRetryAfter(value, Date.now());
  return ms === undefined ? undefined : Math.min(ms, 60_000);
}
