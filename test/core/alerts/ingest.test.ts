import { alertsWorld } from './world';
import { devicePayload } from './fixtures';

describe('AlertIngestor', () => {
  it('stores a fired alert and posts one card per subscribed conversation', async () => {
    const w = alertsWorld();
    await w.subscribe('conv-a');
    await w.subscribe('conv-b', 'sev<=1');
    await w.subscribe('conv-c', 'site:paris');
    const result = await w.ingest(devicePayload({ alertId: 'a1', severity: 1, deviceId: 'device-42', site: 'berlin' }));
    expect(result).toMatchObject({ outcome: 'stored', cards: 2 });
    expect(w.notifier.posts.map((p) => [p.conversationId, p.key])).toEqual([
      ['conv-a', 'alert:a1'],
      ['conv-b', 'alert:a1'],
    ]);
    expect(await w.service.get('a1')).toMatchObject({ state: 'New', deviceId: 'device-42', site: 'berlin', version: 1 });
  });

  it('answers a retry as a duplicate without a second card', async () => {
    const w = alertsWorld();
    await w.subscribe('conv-a');
    const payload = devicePayload({ alertId: 'a1' });
    await w.ingest(payload);
    for (let i = 0; i < 5; i++) expect((await w.ingest(payload)).outcome).toBe('duplicate');
    expect(w.notifier.posts).toHaveLength(1);
  });

  it('updates the same card in every conversation when the alert resolves', async () => {
    const w = alertsWorld();
    await w.subscribe('conv-a');
    await w.subscribe('conv-b');
    await w.ingest(devicePayload({ alertId: 'a1', deviceId: 'device-42' }));
    w.clock.advance(600_000);
    // A subscription made after the alert fired gets no "resolved" card out of the blue.
    await w.subscribe('conv-c');
    await w.ingest(devicePayload({ alertId: 'a1', deviceId: 'device-42', condition: 'Resolved' }));
    const resolvedPosts = w.notifier.posts.slice(2);
    expect(resolvedPosts.map((p) => [p.conversationId, p.key])).toEqual([
      ['conv-a', 'alert:a1'],
      ['conv-b', 'alert:a1'],
    ]);
    const card = JSON.stringify(resolvedPosts[0]!.message.card);
    expect(card).toContain('Resolved after 10 min');
    expect(card).toContain('"style":"good"');
    expect((await w.service.listOpen()).total).toBe(0);
  });

  it('keeps the resolution when a late Fired retry arrives after it', async () => {
    const w = alertsWorld();
    await w.subscribe('conv-a');
    await w.ingest(devicePayload({ alertId: 'a1', condition: 'Resolved' }));
    const late = await w.ingest(devicePayload({ alertId: 'a1' }));
    expect(late).toMatchObject({ outcome: 'stored', stale: true, cards: 0 });
    expect((await w.service.get('a1'))?.monitorCondition).toBe('Resolved');
  });

  it('sends no card for a silenced rule and target, but stores the alert', async () => {
    const w = alertsWorld();
    await w.subscribe('conv-a');
    await w.ingest(devicePayload({ alertId: 'a1', deviceId: 'device-42' }));
    await w.service.silence('a1', 1, { name: 'Ada' });
    w.notifier.posts.length = 0;
    const second = await w.ingest(devicePayload({ alertId: 'a2', deviceId: 'device-42' }));
    expect(second).toMatchObject({ outcome: 'stored', silenced: true, cards: 0 });
    const other = await w.ingest(devicePayload({ alertId: 'a3', deviceId: 'device-43' }));
    expect(other).toMatchObject({ silenced: false, cards: 1 });
    w.clock.advance(3_600_001);
    expect(await w.ingest(devicePayload({ alertId: 'a4', deviceId: 'device-42' }))).toMatchObject({ silenced: false, cards: 1 });
    expect(await w.service.get('a2')).toBeDefined();
  });

  it('turns a burst into one storm card per rule after K cards in W', async () => {
    const w = alertsWorld();
    await w.subscribe('ops');
    for (let i = 0; i < 40; i++) {
      await w.ingest(
        devicePayload({ alertId: `x${i}`, rule: i % 2 ? 'Device offline' : 'Temperature high', deviceId: `device-${i}`, site: i % 3 ? 'berlin' : 'paris' }),
      );
      w.clock.advance(500);
    }
    const keys = w.notifier.keys('ops');
    expect(keys.filter((k) => k.startsWith('alert:'))).toHaveLength(5);
    expect(keys.filter((k) => k.startsWith('storm:'))).toEqual(['storm:ops:Device offline', 'storm:ops:Temperature high']);
    const storm = JSON.stringify(w.notifier.latest('ops', 'storm:ops:Device offline'));
    expect(storm).toContain('Device offline: 18 devices');
    expect(storm).toContain('18 (18 firing, 0 resolved)');
    expect(storm).toContain('and 10 more');
    expect(storm).toContain('berlin (');
  });

  it('updates the storm card in place as members resolve, and says when the storm is over', async () => {
    const w = alertsWorld({ storm: { threshold: 1, windowMs: 60_000 } });
    await w.subscribe('ops');
    for (let i = 0; i < 4; i++) await w.ingest(devicePayload({ alertId: `x${i}`, rule: 'Device offline', deviceId: `device-${i}` }));
    for (let i = 1; i < 4; i++) await w.ingest(devicePayload({ alertId: `x${i}`, rule: 'Device offline', deviceId: `device-${i}`, condition: 'Resolved' }));
    const storm = JSON.stringify(w.notifier.latest('ops', 'storm:ops:Device offline'));
    expect(storm).toContain('Storm over: all 3 alerts resolved');
  });

  it('starts a new storm card once the old storm has gone quiet for W', async () => {
    const w = alertsWorld({ storm: { threshold: 1, windowMs: 60_000 } });
    await w.subscribe('ops');
    await w.ingest(devicePayload({ alertId: 'x0' }));
    await w.ingest(devicePayload({ alertId: 'x1' }));
    w.clock.advance(120_000);
    await w.ingest(devicePayload({ alertId: 'x2' }));
    await w.ingest(devicePayload({ alertId: 'x3' }));
    expect(w.notifier.keys('ops')).toEqual(['alert:x0', 'storm:ops:Temperature high', 'alert:x2', 'storm:ops:Temperature high:2']);
  });

  it('ignores a subscription whose filter no longer parses (receives nothing)', async () => {
    const w = alertsWorld();
    await w.subscribe('conv-a', 'colour:blue');
    expect(await w.ingest(devicePayload({ alertId: 'a1' }))).toMatchObject({ cards: 0 });
  });

  it('stores nothing when the transaction fails half-way', async () => {
    const w = alertsWorld();
    await w.subscribe('conv-a');
    const original = w.notifier.post.bind(w.notifier);
    w.notifier.post = async () => {
      throw new Error('disk full');
    };
    await expect(w.ingest(devicePayload({ alertId: 'a1' }))).rejects.toThrow('disk full');
    w.notifier.post = original;
    expect(await w.service.get('a1')).toBeUndefined();
    expect((await w.ingest(devicePayload({ alertId: 'a1' }))).outcome).toBe('stored');
  });
});
