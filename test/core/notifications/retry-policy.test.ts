import { backoffDelayMs, parseRetryAfter } from '../../../core/backoff';
import { isRetryable } from '../../../core/notifications/retry-policy';

test('retries what Teams says to retry, and transient failures', () => {
  for (const status of [429, 412, 502, 504, 500, 503, undefined]) expect(isRetryable(status)).toBe(true);
  for (const status of [400, 401, 403, 404, 413]) expect(isRetryable(status)).toBe(false);
});

test('exponential backoff with jitter, capped', () => {
  const low = () => 0;
  const high = () => 0.999999;
  expect(backoffDelayMs(1, undefined, { random: low })).toBe(500);
  expect(backoffDelayMs(1, undefined, { random: high })).toBe(1_000);
  expect(backoffDelayMs(4, undefined, { random: high })).toBe(8_000);
  expect(backoffDelayMs(30, undefined, { random: high, maxMs: 60_000 })).toBe(60_000);
});

test('never sooner than Retry-After', () => {
  expect(backoffDelayMs(1, 7_000, { random: () => 0 })).toBe(7_000);
  expect(parseRetryAfter('3', 0)).toBe(3_000);
  expect(parseRetryAfter(new Date(10_000).toUTCString(), 0)).toBe(10_000);
  expect(parseRetryAfter('soon', 0)).toBeUndefined();
});
