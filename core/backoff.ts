/** When to try again after a transient failure: used by the outbox and by the IoT Hub adapter. */

export interface BackoffOptions {
  readonly baseMs?: number;
  readonly maxMs?: number;
  /** Returns a number in [0, 1); injected so tests are deterministic. */
  readonly random?: () => number;
}

/**
 * Exponential backoff with full jitter, never shorter than the server's Retry-After.
 * attempt is 1 for the first retry.
 */
export function backoffDelayMs(attempt: number, retryAfterMs: number | undefined, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 1_000;
  const max = options.maxMs ?? 300_000;
  const random = options.random ?? Math.random;
  const ceiling = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  const jittered = ceiling / 2 + random() * (ceiling / 2);
  return Math.max(Math.round(jittered), retryAfterMs ?? 0);
}

/** Retry-After is either seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
