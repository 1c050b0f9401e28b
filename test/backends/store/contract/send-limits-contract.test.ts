import { type SendLimits, TEAMS_SEND_LIMITS } from '../../../../core/notifications/send-rate-limits';
import { ADAPTERS, type StoreUnderTest } from './adapters';

/**
 * Teams' limits in the store, every adapter: the windows hold for every replica together,
 * and a take is atomic (concurrent takes never overfill a window).
 */
describe.each(ADAPTERS)('send rate limits on $name', (adapter) => {
  let store: StoreUnderTest;
  beforeEach(async () => {
    store = await adapter.open();
  });
  afterEach(async () => {
    await store.close();
  });

  const T0 = 1_800_000_000_000;

  test("Teams' per-conversation windows: 7 in 1 s, then wait until the first leaves the widened window", async () => {
    const limits = store.sendLimits();
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) waits.push(await limits.take('conv-1', 'tenant-1', () => T0 + i * 10));
    expect(waits).toEqual([0, 0, 0, 0, 0, 0, 0, 1_250 - 70]);
    // Another conversation in the same tenant is not held up by conv-1's window.
    expect(await limits.take('conv-2', 'tenant-1', () => T0 + 80)).toBe(0);
    // 8 in 2 s: after the 1 s window reopens, one more, then the 2 s window is full.
    expect(await limits.take('conv-1', 'tenant-1', () => T0 + 1_250)).toBe(0);
    expect(await limits.take('conv-1', 'tenant-1', () => T0 + 1_300)).toBe(2_250 - 1_300);
  });

  test('two replicas (two handles on one store) share the windows: the per-tenant limit holds for both together', async () => {
    const limits: SendLimits = { conversation: [{ limit: 100, windowMs: 1_000 }], tenant: [{ limit: 5, windowMs: 1_000 }], marginMs: 0 };
    const a = store.sendLimits(limits);
    const b = store.sendLimits(limits);
    const taken = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).take(`conv-${i}`, 'tenant-1', () => T0)));
    expect(taken.filter((w) => w === 0)).toHaveLength(5);
    expect(taken.filter((w) => w > 0).every((w) => w === 1_000)).toBe(true);
    // Another tenant has its own window.
    expect(await a.take('conv-x', 'tenant-2', () => T0)).toBe(0);
    expect(await b.take('conv-0', 'tenant-1', () => T0 + 1_000)).toBe(0);
  });

  test('concurrent takes on one conversation never overfill its window', async () => {
    const limits: SendLimits = { conversation: [{ limit: 7, windowMs: 1_000 }], tenant: [{ limit: 50, windowMs: 1_000 }], marginMs: 100 };
    const handles = [store.sendLimits(limits), store.sendLimits(limits), store.sendLimits(limits)];
    const taken = await Promise.all(Array.from({ length: 30 }, (_, i) => handles[i % 3]!.take('conv-1', 'tenant-1', () => T0 + i)));
    expect(taken.filter((w) => w === 0)).toHaveLength(7);
  });

  test('a long window counts from its oldest send: the (limit+1)th waits for the oldest to leave it (the 1,800/h shape, scaled to 60/h)', async () => {
    const limits = store.sendLimits({
      conversation: [...TEAMS_SEND_LIMITS.conversation.slice(0, 3), { limit: 60, windowMs: 3_600_000 }],
      tenant: TEAMS_SEND_LIMITS.tenant,
      marginMs: 100,
    });
    let refused = 0;
    // One send a minute stays within 7/1 s, 8/2 s and 60/30 s; the hour fills at the 60th.
    for (let i = 0; i < 60; i++) if ((await limits.take('conv-h', 'tenant-h', () => T0 + i * 59_000)) > 0) refused++;
    expect(refused).toBe(0);
    const at = T0 + 60 * 59_000;
    expect(await limits.take('conv-h', 'tenant-h', () => at)).toBe(T0 + 3_600_100 - at);
    expect(await limits.take('conv-h', 'tenant-h', () => T0 + 3_600_101)).toBe(0);
  });

  test('prune forgets sends older than the longest window, and only those', async () => {
    const limits = store.sendLimits();
    await limits.take('conv-old', 'tenant-1', () => T0);
    await limits.take('conv-new', 'tenant-1', () => T0 + 3_600_000);
    // conv-old's send and tenant-1's first are older than an hour (+ margin) at this time.
    expect(await limits.prune(T0 + 3_600_251)).toBe(2);
    expect(await limits.prune(T0 + 3_600_251)).toBe(0);
  });
});
