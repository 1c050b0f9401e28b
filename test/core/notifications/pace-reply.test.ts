import { InMemorySendRateLimits, paceReply, type SendRateLimits } from '../../../core/notifications/send-rate-limits';

/** A clock that moves only when the code under test sleeps. */
function clock() {
  let t = 1_000_000;
  const slept: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      slept.push(ms);
      t += ms;
    },
    slept,
  };
}

describe('paceReply: a reply to a person takes a place in the same Teams windows as the outbox', () => {
  test('within the windows, it takes a place at once', async () => {
    const c = clock();
    const limits = new InMemorySendRateLimits();
    expect(await paceReply(limits, 'conv', 'tenant', c)).toBe(true);
    expect(c.slept).toEqual([]);
  });

  test('with the conversation full (7 in a second), it waits for the window to reopen, then counts in it', async () => {
    const c = clock();
    const limits = new InMemorySendRateLimits();
    for (let i = 0; i < 7; i++) expect(await limits.take('conv', 'tenant', c.now)).toBe(0);
    expect(await paceReply(limits, 'conv', 'tenant', c)).toBe(true);
    expect(c.slept.length).toBeGreaterThan(0);
    // The reply's place is recorded: the outbox's next send in this conversation has to wait.
    expect(await limits.take('conv', 'tenant', c.now)).toBeGreaterThan(0);
  });

  test('past maxWaitMs it gives up (the reply goes out anyway) rather than keep a person waiting', async () => {
    const c = clock();
    const full: SendRateLimits = { take: async () => 60_000, prune: async () => 0 };
    expect(await paceReply(full, 'conv', 'tenant', { ...c, maxWaitMs: 5_000 })).toBe(false);
    expect(c.slept).toEqual([]);
  });

  test('a store that cannot answer does not hold the reply back', async () => {
    const c = clock();
    const down: SendRateLimits = {
      take: async () => {
        throw new Error('connection refused');
      },
      prune: async () => 0,
    };
    expect(await paceReply(down, 'conv', 'tenant', c)).toBe(false);
  });
});
