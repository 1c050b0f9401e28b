/** Which failures of a Teams send are worth retrying (when: core/backoff.ts). */

/** Teams asks to retry these; 500/503 and network errors are transient too. */
const RETRYABLE_STATUS = new Set([408, 412, 429, 500, 502, 503, 504]);

export function isRetryable(status: number | undefined): boolean {
  // No status = the request never got an answer (timeout, reset): retry.
  return status === undefined || RETRYABLE_STATUS.has(status);
}
