import type { OutboundMessage } from '../../../../core/notifications/notifier';
import { ADAPTERS, STORE_CLOCK, type StoreUnderTest } from './adapters';

/**
 * One contract, every adapter: what the core may rely on from its store ports, whichever
 * database is behind them.
 */
describe.each(ADAPTERS)('store contract on $name', (adapter) => {
  let store: StoreUnderTest;
  beforeEach(async () => {
    store = await adapter.open();
  });
  afterEach(async () => {
    await store.close();
  });

  const ref = { conversationId: 'a:chat-1', serviceUrl: 'https://smba.trafficmanager.net/emea/', channelId: 'msteams', tenantId: 't1' };
  const text = (t: string): OutboundMessage => ({ text: t });

  test('conversations: upsert keeps the latest reference; remove forgets it', async () => {
    await store.conversations.upsert(ref);
    await store.conversations.upsert({ ...ref, serviceUrl: 'https://smba.trafficmanager.net/amer/' });
    expect(await store.conversations.get(ref.conversationId)).toEqual({ ...ref, serviceUrl: 'https://smba.trafficmanager.net/amer/' });
    await store.conversations.upsert({ ...ref, conversationId: 'b:chat-2' });
    expect((await store.conversations.list()).map((r) => r.conversationId)).toEqual(['a:chat-1', 'b:chat-2']);
    await store.conversations.remove(ref.conversationId);
    expect(await store.conversations.get(ref.conversationId)).toBeUndefined();
  });

  test('subscriptions: adding twice keeps one; remove counts what it removed', async () => {
    const first = await store.subscriptions.add({ conversationId: 'c1', topic: 'alerts', filter: 'sev<=1', createdBy: 'ada' });
    const again = await store.subscriptions.add({ conversationId: 'c1', topic: 'alerts', filter: 'sev<=1', createdBy: 'ada' });
    expect(again.id).toBe(first.id);
    await store.subscriptions.add({ conversationId: 'c1', topic: 'alerts', filter: '', createdBy: 'ada' });
    await store.subscriptions.add({ conversationId: 'c2', topic: 'rollouts', filter: '', createdBy: 'bob' });
    expect((await store.subscriptions.listForTopic('alerts')).map((s) => [s.conversationId, s.filter])).toEqual([
      ['c1', 'sev<=1'],
      ['c1', ''],
    ]);
    expect(await store.subscriptions.remove('c1', 'alerts', 'sev<=1')).toBe(1);
    expect(await store.subscriptions.remove('c1', 'alerts')).toBe(1);
    expect(await store.subscriptions.listForConversation('c1')).toEqual([]);
    expect(await store.subscriptions.listForConversation('c2')).toHaveLength(1);
  });

  test('subscriptions: removeById removes that one, only from its own conversation; false when there is none', async () => {
    const all = await store.subscriptions.add({ conversationId: 'c1', topic: 'alerts', filter: '', createdBy: 'ada' });
    const berlin = await store.subscriptions.add({ conversationId: 'c1', topic: 'alerts', filter: 'site:berlin', createdBy: 'ada' });
    const other = await store.subscriptions.add({ conversationId: 'c2', topic: 'alerts', filter: '', createdBy: 'bob' });
    expect(await store.subscriptions.removeById('c1', other.id)).toBe(false);
    expect(await store.subscriptions.removeById('c1', all.id)).toBe(true);
    expect(await store.subscriptions.removeById('c1', all.id)).toBe(false);
    expect(await store.subscriptions.removeById('c1', 999_999)).toBe(false);
    expect((await store.subscriptions.listForConversation('c1')).map((s) => s.id)).toEqual([berlin.id]);
    expect((await store.subscriptions.listForConversation('c2')).map((s) => s.id)).toEqual([other.id]);
    // The same topic and filter again is a new subscription: the old id does not remove it.
    const again = await store.subscriptions.add({ conversationId: 'c1', topic: 'alerts', filter: '', createdBy: 'ada' });
    expect(again.id).not.toBe(all.id);
    expect(await store.subscriptions.removeById('c1', all.id)).toBe(false);
    expect((await store.subscriptions.listForConversation('c1')).map((s) => s.id)).toEqual([berlin.id, again.id]);
  });

  test('subscriptions: in one unit of work, a topic listed again after removeById no longer has it', async () => {
    const berlin = await store.subscriptions.add({ conversationId: 'c1', topic: 'alerts', filter: 'site:berlin', createdBy: 'ada' });
    await store.subscriptions.add({ conversationId: 'c2', topic: 'alerts', filter: '', createdBy: 'bob' });
    await store.unitOfWork.run(async () => {
      expect((await store.subscriptions.listForTopic('alerts')).map((s) => s.conversationId)).toEqual(['c1', 'c2']);
      expect(await store.subscriptions.removeById('c1', berlin.id)).toBe(true);
      expect((await store.subscriptions.listForTopic('alerts')).map((s) => s.conversationId)).toEqual(['c2']);
    });
    expect((await store.subscriptions.listForTopic('alerts')).map((s) => s.conversationId)).toEqual(['c2']);
  });

  test('audit: newest first, absent fields stay absent, a refusal keeps its code', async () => {
    await store.audit.record({ actorId: 'u1', actorName: 'Ada', role: 'releaseLead', action: 'rollout.start', target: 'R1', outcome: 'ok' });
    await store.audit.record({
      actorId: 'u2',
      actorName: 'Bob',
      role: 'viewer',
      action: 'rollout.pause',
      outcome: 'denied',
      detail: 'viewer',
      conversationId: 'c1',
    });
    await store.audit.record({
      actorId: 'u1',
      actorName: 'Ada',
      role: 'releaseLead',
      action: 'rollout resume',
      target: 'R1',
      outcome: 'refused',
      code: 'rollout_not_resumable',
      detail: 'Nothing changed: R1 is running wave 1',
    });
    expect(await store.audit.latest(5)).toEqual([
      {
        at: STORE_CLOCK.toISOString(),
        actorId: 'u1',
        actorName: 'Ada',
        role: 'releaseLead',
        action: 'rollout resume',
        target: 'R1',
        outcome: 'refused',
        code: 'rollout_not_resumable',
        detail: 'Nothing changed: R1 is running wave 1',
      },
      {
        at: STORE_CLOCK.toISOString(),
        actorId: 'u2',
        actorName: 'Bob',
        role: 'viewer',
        action: 'rollout.pause',
        outcome: 'denied',
        detail: 'viewer',
        conversationId: 'c1',
      },
      { at: STORE_CLOCK.toISOString(), actorId: 'u1', actorName: 'Ada', role: 'releaseLead', action: 'rollout.start', target: 'R1', outcome: 'ok' },
    ]);
  });

  test('outbox: one pending item per key takes the newest message; completing a stale copy keeps the newer one', async () => {
    await store.outbox.enqueue('c1', 'alert:1', text('v1'), 1_000);
    await store.outbox.enqueue('c1', 'alert:1', text('v2'), 1_100);
    await store.outbox.enqueue('c1', 'alert:2', text('other'), 1_200);
    expect(await store.outbox.pendingCount()).toBe(2);
    // What `due` returns is the caller's to complete or reschedule (PostgreSQL leases it meanwhile).
    const [first, other] = await store.outbox.due(2_000, 10);
    expect(first).toMatchObject({ conversationId: 'c1', key: 'alert:1', message: text('v2'), version: 2, attempts: 0 });
    expect(other).toMatchObject({ key: 'alert:2' });
    await store.outbox.complete(other!);

    await store.outbox.enqueue('c1', 'alert:1', text('v3'), 2_100); // arrives while v2 is being sent
    await store.outbox.complete(first!);
    const again = await store.outbox.due(3_000, 10);
    expect(again.map((i) => i.message)).toEqual([text('v3')]);
    for (const item of again) await store.outbox.complete(item);
    expect(await store.outbox.pendingCount()).toBe(0);
  });

  test('outbox: backoff, dead letters and the activity id of what was sent', async () => {
    await store.outbox.enqueue('c1', 'k', text('hello'), 1_000);
    const [item] = await store.outbox.due(1_000, 10);
    await store.outbox.reschedule(item!, 5_000, '429: slow down');
    expect(await store.outbox.due(4_999, 10)).toEqual([]);
    expect(await store.outbox.nextDueAfter(1_000)).toBe(5_000);
    const [retry] = await store.outbox.due(5_000, 10);
    expect(retry).toMatchObject({ attempts: 1 });
    await store.outbox.deadLetter(retry!, '403: forbidden');
    expect(await store.outbox.pendingCount()).toBe(0);
    expect(await store.outbox.deadLetters(5)).toEqual([{ conversationId: 'c1', key: 'k', error: '403: forbidden', at: STORE_CLOCK.toISOString() }]);

    expect(await store.outbox.sentActivityId('c1', 'k')).toBeUndefined();
    await store.outbox.recordSent('c1', 'k', 'activity-1');
    await store.outbox.recordSent('c1', 'k', 'activity-2');
    expect(await store.outbox.sentActivityId('c1', 'k')).toBe('activity-2');
  });

  test('deployments: an event is applied once; a redelivery is a duplicate that remembers whether it was announced', async () => {
    const event = { key: 'build.complete:e1', eventType: 'build.complete', receivedAt: '2026-03-01T10:00:00Z', body: '{}' };
    const run = { runId: 'build-1', pipeline: 'Firmware-CI', state: 'succeeded', updatedAt: '2026-03-01T10:00:00Z', version: 1 };
    const apply = jest.fn(() => run as never);
    expect(await store.deployments.ingest(event, 'build-1', apply)).toEqual({ duplicate: false, run });
    expect(await store.deployments.ingest(event, 'build-1', apply)).toEqual({ duplicate: true, run, announced: false });
    expect(apply).toHaveBeenCalledTimes(1);
    expect(await store.deployments.unannounced(10)).toEqual([{ eventKey: event.key, runId: 'build-1' }]);
    await store.deployments.markAnnounced(event.key);
    expect(await store.deployments.ingest(event, 'build-1', apply)).toMatchObject({ duplicate: true, announced: true });
    expect(await store.deployments.update('build-1', (r) => ({ ...r, version: r.version + 1 }))).toMatchObject({ version: 2 });
    expect(await store.deployments.update('nope', (r) => r)).toBeUndefined();
    expect((await store.deployments.listRecent({ pipeline: 'firmware-ci', limit: 5 })).map((r) => r.runId)).toEqual(['build-1']);
  });

  test('unit of work: all or nothing; a nested one fails alone; afterCommit only after a commit', async () => {
    const committed: string[] = [];
    await expect(
      store.unitOfWork.run(async (tx) => {
        tx.afterCommit(() => committed.push('first'));
        await store.conversations.upsert(ref);
        await store.outbox.enqueue('c1', 'k1', text('x'), 1);
        throw new Error('crash in the middle');
      }),
    ).rejects.toThrow('crash in the middle');
    expect(await store.outbox.pendingCount()).toBe(0);
    expect(await store.conversations.list()).toEqual([]);
    expect(committed).toEqual([]);

    const result = await store.unitOfWork.run(async (tx) => {
      tx.afterCommit(() => committed.push('second'));
      await store.outbox.enqueue('c1', 'kept', text('x'), 1);
      await expect(
        store.unitOfWork.run(async () => {
          await store.outbox.enqueue('c1', 'dropped', text('y'), 1);
          throw new Error('this one alone');
        }),
      ).rejects.toThrow('this one alone');
      expect(committed).toEqual([]);
      return 'done';
    });
    expect(result).toBe('done');
    expect(committed).toEqual(['second']);
    expect((await store.outbox.due(10, 10)).map((i) => i.key)).toEqual(['kept']);
  });

  test('unit of work: a write from outside it does not join it (and is kept when it rolls back)', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const work = store.unitOfWork.run(async () => {
      await store.outbox.enqueue('c1', 'inside', text('x'), 1);
      await held;
      throw new Error('rolled back');
    });
    // Not inside the unit of work: its own write, whatever becomes of the other.
    const outside = store.subscriptions.add({ conversationId: 'c9', topic: 'alerts', filter: '', createdBy: 'x' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    await expect(work).rejects.toThrow('rolled back');
    await outside;
    expect(await store.subscriptions.listForConversation('c9')).toHaveLength(1);
    expect(await store.outbox.pendingCount()).toBe(0);
  });
});
