import { SlidingWindowLimiter, TEAMS_CONVERSATION_LIMITS } from '../../../core/notifications/rate-limiter';

/** Sends as fast as the limiter allows from t=0 for `durationMs`; returns the send times. */
function sendGreedily(limiter: SlidingWindowLimiter, durationMs: number): number[] {
  const times: number[] = [];
  let now = 0;
  while (now < durationMs) {
    const delay = limiter.delayFor('c', now);
    if (delay === 0) {
      limiter.record('c', now);
      times.push(now);
    } else {
      now += delay;
    }
  }
  return times;
}

const maxInWindow = (times: number[], windowMs: number) => {
  let max = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= windowMs) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
};

describe('SlidingWindowLimiter with Teams per-conversation limits', () => {
  test('never exceeds 7/1 s, 8/2 s, 60/30 s, 1800/h, even with 99 ms of jitter', () => {
    const times = sendGreedily(new SlidingWindowLimiter(TEAMS_CONVERSATION_LIMITS), 2 * 3_600_000);
    expect(maxInWindow(times, 1_000 + 99)).toBeLessThanOrEqual(7);
    expect(maxInWindow(times, 2_000 + 99)).toBeLessThanOrEqual(8);
    expect(maxInWindow(times, 30_000 + 99)).toBeLessThanOrEqual(60);
    expect(maxInWindow(times, 3_600_000 + 99)).toBeLessThanOrEqual(1_800);
    // ...and uses the budget: the hourly limit is reached.
    expect(maxInWindow(times, 3_600_000)).toBe(1_800);
  });

  test('a burst of 7 goes out at once, the 8th waits', () => {
    const limiter = new SlidingWindowLimiter(TEAMS_CONVERSATION_LIMITS);
    for (let i = 0; i < 7; i++) {
      expect(limiter.delayFor('c', 0)).toBe(0);
      limiter.record('c', 0);
    }
    expect(limiter.delayFor('c', 0)).toBe(1_100); // one second, plus the jitter margin
    expect(limiter.delayFor('other', 0)).toBe(0);
  });
});
