import { openDatabase } from '../../../backends/store/sqlite/database';
import { ALL_MIGRATIONS } from '../../../backends/store/sqlite/migrations';
import { sqliteOutboxRepository } from '../../../backends/store/sqlite/outbox';
import { sqliteConversationRepository } from '../../../backends/store/sqlite/conversations';
import { OutboxSender } from '../../../core/notifications/outbox-sender';
import { ChannelError, type ChannelClient } from '../../../core/notifications/channel';
import { silentLogger } from '../../../core/logger';
import type { OutboundMessage } from '../../../core/notifications/notifier';
import type { OutboxRepository } from '../../../core/notifications/outbox';
import { ManualTimers } from '../../../core/scheduling/timers';

class FakeChannel implements ChannelClient {
  readonly calls: Array<{ op: 'create' | 'update'; conversationId: string; activityId?: string; text?: string }> = [];
  readonly failures: Array<ChannelError> = [];
  private next = 1;
  async create(ref: { conversationId: string }, message: OutboundMessage) {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.calls.push({ op: 'create', conversationId: ref.conversationId, text: message.text });
    return `a${this.next++}`;
  }
  async update(ref: { conversationId: string }, activityId: string, message: OutboundMessage) {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.calls.push({ op: 'update', conversationId: ref.conversationId, activityId, text: message.text });
  }
}

/** The bot's clock, as the repository's stamps must show it (not the machine's). */
const WALL_CLOCK = '2026-03-01T04:05:06.000Z';

async function setup() {
  const db = openDatabase(':memory:', ALL_MIGRATIONS);
  const outbox = sqliteOutboxRepository(db, () => new Date(WALL_CLOCK));
  const conversations = sqliteConversationRepository(db);
  await conversations.upsert({ conversationId: 'c1', serviceUrl: 'http://x', channelId: 'msteams', tenantId: 't' });
  await conversations.upsert({ conversationId: 'c2', serviceUrl: 'http://x', channelId: 'msteams', tenantId: 't' });
  const channel = new FakeChannel();
  const sender = new OutboxSender(outbox, conversations, channel, silentLogger, { backoff: { random: () => 0 } });
  return { outbox, channel, sender };
}

test('first post creates, later posts of the same key update in place', async () => {
  const { outbox, channel, sender } = await setup();
  let now = 0;
  await outbox.enqueue('c1', 'alert:1', { text: 'fired' }, now);
  await sender.drainOnce(() => now);
  await outbox.enqueue('c1', 'alert:1', { text: 'resolved' }, now);
  now += 10;
  await sender.drainOnce(() => now);
  expect(channel.calls).toEqual([
    { op: 'create', conversationId: 'c1', text: 'fired' },
    { op: 'update', conversationId: 'c1', activityId: 'a1', text: 'resolved' },
  ]);
  expect(await outbox.pendingCount()).toBe(0);
});

test('unsent posts of one key coalesce: only the latest goes out', async () => {
  const { outbox, channel, sender } = await setup();
  for (let i = 1; i <= 50; i++) await outbox.enqueue('c1', 'storm:rule', { text: `count ${i}` }, 0);
  await sender.drainOnce(() => 0);
  expect(channel.calls).toEqual([{ op: 'create', conversationId: 'c1', text: 'count 50' }]);
});

test('keeps the per-conversation limit and says when to come back', async () => {
  const { outbox, channel, sender } = await setup();
  for (let i = 0; i < 10; i++) await outbox.enqueue('c1', `k${i}`, { text: `${i}` }, 0);
  await outbox.enqueue('c2', 'k', { text: 'other conversation' }, 0);
  const result = await sender.drainOnce(() => 0);
  expect(result.sent).toBe(8); // 7 to c1 + 1 to c2
  expect(channel.calls.filter((c) => c.conversationId === 'c1')).toHaveLength(7);
  expect(result.nextInMs).toBe(1_250); // 1 s window plus the jitter margin
  const later = await sender.drainOnce(() => 1_250);
  expect(later.sent).toBe(1); // 8 per 2 s
  expect(later.nextInMs).toBe(1_000); // the 8/2 s window reopens at 2.25 s
});

test('429 with Retry-After delays, never drops; a permanent error becomes a dead letter', async () => {
  const { outbox, channel, sender } = await setup();
  await outbox.enqueue('c1', 'k', { text: 'hello' }, 0);
  channel.failures.push(new ChannelError('throttled', 429, '3'));
  const first = await sender.drainOnce(() => 0);
  expect(first.retried).toBe(1);
  expect(first.nextInMs).toBe(3_000);
  expect((await sender.drainOnce(() => 2_000)).sent).toBe(0);
  expect((await sender.drainOnce(() => 3_000)).sent).toBe(1);

  await outbox.enqueue('c1', 'gone', { text: 'bye' }, 3_000);
  channel.failures.push(new ChannelError('bot removed', 403));
  const dead = await sender.drainOnce(() => 3_000);
  expect(dead.dead).toBe(1);
  expect((await outbox.deadLetters(5))[0]).toMatchObject({ key: 'gone', error: expect.stringContaining('403'), at: WALL_CLOCK });
});

test('a post that arrives while its key is being sent is not lost', async () => {
  const { outbox, channel, sender } = await setup();
  await outbox.enqueue('c1', 'k', { text: 'v1' }, 0);
  const originalCreate = channel.create.bind(channel);
  channel.create = async (ref, message) => {
    await outbox.enqueue('c1', 'k', { text: 'v2' }, 0); // arrives mid-flight
    return originalCreate(ref, message);
  };
  await sender.drainOnce(() => 0);
  await sender.drainOnce(() => 0);
  expect(channel.calls.map((c) => `${c.op}:${c.text}`)).toEqual(['create:v1', 'update:v2']);
});

test('a send that takes long keeps its rows leased: the lease is renewed every leaseRenewEveryMs until the pass ends', async () => {
  const db = openDatabase(':memory:', ALL_MIGRATIONS);
  const stored = sqliteOutboxRepository(db);
  const renewals: Array<{ ids: number[]; at: number }> = [];
  const timers = new ManualTimers(0);
  const extendLease: OutboxRepository['extendLease'] = async (items, now) => void renewals.push({ ids: items.map((i) => i.id), at: now });
  const outbox = new Proxy(stored, {
    get: (target, property, receiver) => (property === 'extendLease' ? extendLease : Reflect.get(target, property, receiver)),
  });
  const conversations = sqliteConversationRepository(db);
  await conversations.upsert({ conversationId: 'c1', serviceUrl: 'http://x', channelId: 'msteams', tenantId: 't' });
  let answer: (() => void) | undefined;
  const slow: ChannelClient = {
    create: () => new Promise<string>((resolve) => (answer = () => resolve('a1'))),
    update: async () => undefined,
  };
  await stored.enqueue('c1', 'k1', { text: 'one' }, 0);
  await stored.enqueue('c1', 'k2', { text: 'two' }, 0);
  const sender = new OutboxSender(outbox, conversations, slow, silentLogger, { timers, leaseRenewEveryMs: 3_000 });
  const pass = sender.drainOnce(() => timers.now());
  await timers.advance(10_000);
  // The connector has not answered for 10 s: both rows (the one in flight, the one behind it) were renewed three times.
  expect(renewals.map((r) => r.at)).toEqual([3_000, 6_000, 9_000]);
  expect(renewals.every((r) => r.ids.length === 2)).toBe(true);
  answer!();
  await timers.advance(0);
  answer!();
  await pass;
  await timers.advance(10_000);
  expect(renewals).toHaveLength(3);
  expect(timers.size).toBe(0);
});
