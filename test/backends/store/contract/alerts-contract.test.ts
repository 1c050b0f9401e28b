import { AlertIngestor } from '../../../../core/alerts/ingest';
import { parseAlertPayload } from '../../../../core/alerts/parse-alert';
import { AlertPublisher } from '../../../../core/alerts/publisher';
import { AlertService } from '../../../../core/alerts/service';
import { ManualClock } from '../../../../core/clock';
import { silentLogger } from '../../../../core/logger';
import { alertEventCards } from '../../../../bot/broadcasts/alerts';
import { Broadcaster } from '../../../../core/notifications/broadcaster';
import { devicePayload } from '../../../core/alerts/fixtures';
import { RecordingNotifier, RecordingStateClient } from '../../../core/alerts/world';
import { ADAPTERS, type StoreUnderTest } from './adapters';
import type { AlertRepository, StormJoiner } from '../../../../core/alerts/repository';
import type { Storm } from '../../../../core/alerts/storm';

/** The alerts store as the core uses it (ingest, storms, silences, card actions), on every adapter. */
describe.each(ADAPTERS)('alerts store contract on $name', (adapter) => {
  let store: StoreUnderTest;
  beforeEach(async () => {
    store = await adapter.open();
  });
  afterEach(async () => {
    await store.close();
  });

  function world(storm = { threshold: 3, windowMs: 60_000 }) {
    const clock = new ManualClock(new Date('2026-01-01T00:00:00Z'));
    const notifier = new RecordingNotifier();
    const repo = store.alerts;
    const publisher = new AlertPublisher(repo, store.unitOfWork, new Broadcaster(store.subscriptions, notifier).router(alertEventCards()), clock);
    const ingestor = new AlertIngestor({ repo, unitOfWork: store.unitOfWork, subscriptions: store.subscriptions, publisher, clock, storm, log: silentLogger });
    const service = new AlertService({ repo, unitOfWork: store.unitOfWork, publisher, stateClient: new RecordingStateClient(), clock, log: silentLogger });
    const ingest = async (payload: ReturnType<typeof devicePayload>) => {
      const parsed = parseAlertPayload(payload);
      if (!parsed.ok) throw new Error(parsed.error);
      return ingestor.ingest(parsed.alert, JSON.stringify(payload));
    };
    const subscribe = (conversationId: string, filter = '') => store.subscriptions.add({ conversationId, topic: 'alerts', filter, createdBy: 'test' });
    return { clock, notifier, publisher, service, ingest, subscribe, ingestor };
  }

  test('stores once, cards every matching conversation, resolves on the same card, finds by short id and filter', async () => {
    const w = world();
    await w.subscribe('conv-a');
    await w.subscribe('conv-b', 'sev<=1');
    const fired = devicePayload({
      alertId: '/subscriptions/s/providers/Microsoft.AlertsManagement/alerts/abc-1',
      severity: 1,
      deviceId: 'Device-42',
      site: 'Berlin',
    });
    expect(await w.ingest(fired)).toMatchObject({ outcome: 'stored', cards: 2 });
    expect(await w.ingest(fired)).toMatchObject({ outcome: 'duplicate' });
    expect(await w.service.get('abc-1')).toMatchObject({ deviceId: 'Device-42', site: 'Berlin', version: 1 });
    expect((await w.service.listOpen({ sites: ['berlin'], devices: ['device-42'], rules: [] })).total).toBe(1);
    expect((await w.service.listOpen({ sites: ['paris'], devices: [], rules: [] })).total).toBe(0);

    await w.ingest(
      devicePayload({
        alertId: '/subscriptions/s/providers/Microsoft.AlertsManagement/alerts/abc-1',
        severity: 1,
        deviceId: 'Device-42',
        condition: 'Resolved',
      }),
    );
    expect(new Set(w.notifier.posts.map((p) => p.key))).toEqual(new Set(['alert:/subscriptions/s/providers/Microsoft.AlertsManagement/alerts/abc-1']));
    expect((await w.service.listOpen()).total).toBe(0);
    expect(await w.service.get('abc-1')).toMatchObject({ monitorCondition: 'Resolved', site: 'Berlin', version: 2 });
  });

  test('a storm becomes one card whose running totals follow its members', async () => {
    const w = world({ threshold: 2, windowMs: 60_000 });
    await w.subscribe('ops');
    for (let i = 0; i < 6; i++)
      await w.ingest(devicePayload({ alertId: `x${i}`, rule: 'Device offline', deviceId: `device-${i}`, severity: i % 3, site: i < 4 ? 'lyon' : 'oslo' }));
    await w.ingest(devicePayload({ alertId: 'x5', rule: 'Device offline', deviceId: 'device-5', severity: 2, site: 'oslo', condition: 'Resolved' }));
    expect(await w.publisher.flushStorms()).toBe(1);
    const [storm] = await store.alerts.dirtyStorms();
    expect(storm).toBeUndefined();
    const latest = await latestStormOf(store.alerts, 'ops', 'Device offline');
    const view = await store.alerts.stormView(latest!, 8);
    expect(view).toMatchObject({
      total: 4,
      firing: 3,
      resolved: 1,
      severity: 0,
      topSites: [
        { site: 'lyon', count: 2 },
        { site: 'oslo', count: 2 },
      ],
    });
    expect(view.members.map((m) => m.alertId)).toHaveLength(4);
    expect(w.notifier.posts.filter((p) => p.key.startsWith('alert:')).map((p) => p.key)).toEqual(['alert:x0', 'alert:x1']);
  });

  test('silences, acknowledgement and the local rules’ memory', async () => {
    const w = world();
    await w.subscribe('ops');
    await w.ingest(devicePayload({ alertId: '/fleetops/local/alerts/100%_sure/1', rule: 'Temperature high', deviceId: 'device-1' }));
    await w.service.silence('1', 4, { name: 'Ada' });
    expect(await store.alerts.activeSilences(w.clock.now())).toHaveLength(1);
    const posts = w.notifier.posts.length;
    await w.ingest(devicePayload({ alertId: '/fleetops/local/alerts/100%_sure/2', rule: 'Temperature high', deviceId: 'device-1' }));
    expect(w.notifier.posts).toHaveLength(posts); // silenced: no new card
    expect((await store.alerts.listFiringWithPrefix('/fleetops/local/alerts/100%_sure/')).map((a) => a.alertId).sort()).toEqual([
      '/fleetops/local/alerts/100%_sure/1',
      '/fleetops/local/alerts/100%_sure/2',
    ]);
    expect(await store.alerts.listFiringWithPrefix('/fleetops/local/alerts/100__sure/')).toEqual([]);
    expect(await w.service.acknowledge('/fleetops/local/alerts/100%_sure/1', { name: 'Bob' })).toMatchObject({ state: 'Acknowledged' });
    await expect(w.service.acknowledge('/fleetops/local/alerts/100%_sure/1', { name: 'Eve' })).rejects.toMatchObject({ code: 'alert_already_acknowledged' });
  });

  test('claimEvents claims each dedupe key once (the first of a batch) and returns each alert as stored before the batch', async () => {
    const w = world();
    const claim = (dedupeKey: string, alertId: string) => ({ dedupeKey, alertId, receivedAt: '2026-01-01T00:00:00.000Z', payload: '{}' });
    expect(await store.alerts.claimEvents([claim('key-1', 'alert-1'), claim('key-1', 'alert-1'), claim('key-0', 'alert-0')])).toEqual([
      { claimed: true, previous: undefined },
      { claimed: false },
      { claimed: true, previous: undefined },
    ]);
    expect(await store.alerts.claimEvents([claim('key-1', 'alert-1')])).toEqual([{ claimed: false }]);
    await w.ingest(devicePayload({ alertId: 'alert-2', rule: 'Temperature high', deviceId: 'device-1' }));
    const stored = await store.alerts.getExact('alert-2');
    expect(await store.alerts.claimEvents([claim('key-2b', 'alert-2'), claim('key-9', 'alert-9')])).toEqual([
      { claimed: true, previous: stored },
      { claimed: true, previous: undefined },
    ]);
    // Inside a unit of work that rolls back, the claim is undone with it.
    await expect(
      store.unitOfWork.run(async () => {
        await store.alerts.claimEvents([claim('key-3', 'alert-3')]);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await store.alerts.claimEvents([claim('key-3', 'alert-3')])).toEqual([{ claimed: true, previous: undefined }]);
  });

  test('a batch stores what its notifications one at a time would: alerts, deliveries, storm totals and cards', async () => {
    // 12 notifications for one conversation (storm threshold 3): a storm begins mid-batch, an alert fires and
    // resolves within the batch, another is redelivered (a duplicate), one resolves an alert stored before.
    const notifications = [
      devicePayload({ alertId: 'before', rule: 'Device offline', deviceId: 'device-0', site: 'oslo', condition: 'Resolved' }),
      ...Array.from({ length: 8 }, (_, i) =>
        devicePayload({ alertId: `n${i}`, rule: 'Device offline', deviceId: `device-${i}`, severity: i % 3, site: i % 2 ? 'lyon' : 'oslo' }),
      ),
      devicePayload({ alertId: 'n5', rule: 'Device offline', deviceId: 'device-5', severity: 2, site: 'lyon', condition: 'Resolved' }),
      devicePayload({ alertId: 'n6', rule: 'Device offline', deviceId: 'device-6', severity: 0, site: 'oslo' }),
      devicePayload({ alertId: 't1', rule: 'Temperature high', deviceId: 'device-1', severity: 1 }),
    ];
    const parsed = notifications.map((payload) => {
      const p = parseAlertPayload(payload);
      if (!p.ok) throw new Error(p.error);
      return { alert: p.alert, payload: JSON.stringify(payload) };
    });
    const seed = devicePayload({ alertId: 'before', rule: 'Device offline', deviceId: 'device-0', site: 'oslo' });

    const snapshot = async (w: ReturnType<typeof world>) => {
      const ids = ['before', ...Array.from({ length: 8 }, (_, i) => `n${i}`), 't1'];
      const alerts = await Promise.all(ids.map(async (id) => (await store.alerts.getExact(id))?.monitorCondition ?? 'missing'));
      const deliveries = (await store.alerts.deliveriesOfAlerts(ids)).map((d) => `${d.alertId} ${d.cardKey}`).sort();
      const latest = await latestStormOf(store.alerts, 'ops', 'Device offline');
      const view = latest && (await store.alerts.stormView(latest, 10));
      return {
        alerts,
        deliveries,
        storm: view && { total: view.total, firing: view.firing, resolved: view.resolved, severity: view.severity, sites: view.topSites },
        cards: w.notifier.keys('ops').sort(),
      };
    };

    const oneAtATime = world();
    await oneAtATime.subscribe('ops');
    await oneAtATime.ingest(seed);
    const outcomes: string[] = [];
    for (const n of notifications) outcomes.push((await oneAtATime.ingest(n)).outcome);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(1);
    await oneAtATime.publisher.flushStorms();
    const expected = await snapshot(oneAtATime);
    expect(expected.storm).toMatchObject({ total: 6, firing: 5, resolved: 1 });

    await store.close();
    store = await adapter.open();
    const together = world();
    await together.subscribe('ops');
    await together.ingest(seed);
    const results = await store.unitOfWork.run(() => together.ingestor.ingestTogether(parsed));
    expect(results.map((r) => r.outcome)).toEqual(outcomes);
    await together.publisher.flushStorms();
    expect(await snapshot(together)).toEqual(expected);
  });

  test('recordDeliveries: storm deliveries add their members to their storms (several to one, with sites); a conversation keeps its first card of an alert; stormContext counts and finds the latest storms', async () => {
    const storm = (generation: number, lastAt: number) => ({ conversationId: 'ops', rule: 'Device offline', generation, startedAt: 1, lastAt });
    const member = (severity: StormJoiner['severity'], firedAt: string, site?: string, monitorCondition: 'Fired' | 'Resolved' = 'Fired'): StormJoiner => ({
      monitorCondition,
      severity,
      firedAt,
      site,
    });
    const into = (alertId: string, s: ReturnType<typeof storm>, joiner: StormJoiner, deliveredAt = s.lastAt) => ({
      delivery: { conversationId: s.conversationId, alertId, cardKey: `storm:${s.generation}`, deliveredAt, storm: { rule: s.rule, generation: s.generation } },
      joins: { storm: s, member: joiner },
    });
    await store.alerts.recordDeliveries([into('s1', storm(1, 5), member(2, '2026-01-01T00:00:02.000Z', 'oslo'))]);
    await store.alerts.recordDeliveries([
      into('s2', storm(1, 9), member(1, '2026-01-01T00:00:01.000Z', 'lyon')),
      into('s3', storm(1, 7), member(3, '2026-01-01T00:00:03.000Z', 'oslo', 'Resolved')),
      into('s4', storm(2, 9), member(0, '2026-01-01T00:00:09.000Z')),
    ]);
    const first = await store.alerts.stormView(storm(1, 9), 10);
    expect(first).toMatchObject({
      total: 3,
      firing: 2,
      resolved: 1,
      severity: 1,
      firstFiredAt: '2026-01-01T00:00:01.000Z',
      lastFiredAt: '2026-01-01T00:00:03.000Z',
    });
    expect(first.topSites).toEqual([
      { site: 'oslo', count: 2 },
      { site: 'lyon', count: 1 },
    ]);
    expect(await latestStormOf(store.alerts, 'ops', 'Device offline')).toMatchObject({ generation: 2, lastAt: 9 });
    expect((await store.alerts.dirtyStorms()).map((s) => s.generation)).toEqual([1, 2]);
    // Four deliveries at 5, 9, 7 and 9: after 6, three; counted up to two.
    expect(await store.alerts.stormContext('ops', 6, 2, ['Device offline', 'No storm', 'Device offline'])).toEqual({
      recent: 2,
      latest: [{ conversationId: 'ops', rule: 'Device offline', generation: 2, startedAt: 1, lastAt: 9 }],
    });
    expect(await store.alerts.stormContext('ops', 6, 10, [])).toEqual({ recent: 3, latest: [] });

    const delivery = (conversationId: string, alertId: string, cardKey: string) => ({ delivery: { conversationId, alertId, cardKey, deliveredAt: 1 } });
    await store.alerts.recordDeliveries([delivery('ops', 'a1', 'alert:a1'), delivery('ops', 'a2', 'alert:a2'), delivery('dev', 'a1', 'alert:a1')]);
    await store.alerts.recordDeliveries([delivery('ops', 'a1', 'another')]);
    const of = await store.alerts.deliveriesOfAlerts(['a1', 'a2', 'a3']);
    expect(of.map((d) => `${d.conversationId} ${d.alertId} ${d.cardKey}`).sort()).toEqual(['dev a1 alert:a1', 'ops a1 alert:a1', 'ops a2 alert:a2']);
  });

  test('in one unit of work: a storm joined, cleared and marked again is dirty; a subscription added is listed', async () => {
    const storm = { conversationId: 'ops', rule: 'Device offline', generation: 1, startedAt: 1, lastAt: 1 };
    const member: StormJoiner = { monitorCondition: 'Fired', severity: 1, firedAt: '2026-01-01T00:00:00.000Z', site: undefined };
    const delivery = {
      conversationId: 'ops',
      alertId: 'a1',
      cardKey: 'storm:ops:Device offline',
      deliveredAt: 1,
      storm: { rule: 'Device offline', generation: 1 },
    };
    await store.unitOfWork.run(async () => {
      expect(await store.subscriptions.listForTopic('alerts')).toEqual([]);
      await store.subscriptions.add({ conversationId: 'ops', topic: 'alerts', filter: '', createdBy: 'test' });
      expect((await store.subscriptions.listForTopic('alerts')).map((s) => s.conversationId)).toEqual(['ops']);
      await store.alerts.recordDeliveries([{ delivery, joins: { storm, member } }]);
      await store.alerts.clearStormDirty(storm);
      await store.alerts.markStormDirty('ops', 'Device offline', 1);
    });
    expect((await store.alerts.dirtyStorms()).map((s) => s.rule)).toEqual(['Device offline']);
    // A savepoint that rolls back takes its marks with it.
    await store.alerts.clearStormDirty(storm);
    await store.unitOfWork.run(async () => {
      await store.unitOfWork
        .run(async () => {
          await store.alerts.recordDeliveries([{ delivery, joins: { storm, member } }]);
          throw new Error('rolled back');
        })
        .catch(() => undefined);
      await store.alerts.markStormDirty('ops', 'Device offline', 1);
    });
    expect((await store.alerts.dirtyStorms()).map((s) => s.rule)).toEqual(['Device offline']);
  });

  describe('ending a silence', () => {
    const NOW = new Date('2026-06-01T10:00:00Z');
    const hoursFromNow = (h: number) => new Date(NOW.getTime() + h * 3_600_000).toISOString();
    const silence = (rule: string, target: string, until: string) =>
      store.alerts.addSilence({ rule, target, until, createdBy: 'Ada', createdAt: hoursFromNow(-2) });
    const active = async (repo = store.alerts, at = NOW) => (await repo.activeSilences(at)).map((s) => `${s.rule}@${s.target} until ${s.until}`);

    test('ends it at the time given: activeSilences and findSilence stop returning it; returns it as it was', async () => {
      const r1 = await silence('r1', 'd1', hoursFromNow(4));
      await silence('r2', 'd2', hoursFromNow(1));
      expect(await store.alerts.endSilence(r1.id, NOW.toISOString())).toEqual(r1);
      expect(await active()).toEqual([`r2@d2 until ${hoursFromNow(1)}`]);
      expect(await store.alerts.findSilence('r1', 'd1', NOW)).toBeUndefined();
      expect(await store.alerts.findSilence('r2', 'd2', NOW)).toMatchObject({ rule: 'r2', target: 'd2' });
      // Its until is now the end: before it, it was in force until then.
      expect(await active(store.alerts, new Date(NOW.getTime() - 60_000))).toEqual([`r1@d1 until ${NOW.toISOString()}`, `r2@d2 until ${hoursFromNow(1)}`]);
    });

    test('an unknown, already ended or expired silence: undefined, and nothing changes', async () => {
      const expired = await silence('r0', 'd0', hoursFromNow(-1));
      const r1 = await silence('r1', 'd1', hoursFromNow(4));
      const before = await active(store.alerts, new Date(NOW.getTime() - 90 * 60_000));
      expect(await store.alerts.endSilence(r1.id + 1000, NOW.toISOString())).toBeUndefined();
      expect(await store.alerts.endSilence(expired.id, NOW.toISOString())).toBeUndefined();
      expect(await active(store.alerts, new Date(NOW.getTime() - 90 * 60_000))).toEqual(before);
      expect(before).toEqual([`r0@d0 until ${hoursFromNow(-1)}`, `r1@d1 until ${hoursFromNow(4)}`]);
      // Ended once; the second end (a double click, another replica) finds it over and keeps the first end's time.
      expect(await store.alerts.endSilence(r1.id, NOW.toISOString())).toEqual(r1);
      expect(await store.alerts.endSilence(r1.id, hoursFromNow(1))).toBeUndefined();
      expect(await active(store.alerts, new Date(NOW.getTime() - 60_000))).toEqual([`r1@d1 until ${NOW.toISOString()}`]);
    });

    test('two ends at once: while the first one’s unit of work is open, the other waits, then finds it over', async () => {
      const r1 = await silence('r1', 'd1', hoursFromNow(4));
      const replica = store.alertsReplica();
      let commit!: () => void;
      const committing = new Promise<void>((resolve) => {
        commit = resolve;
      });
      let endedFirst!: () => void;
      const firstHasEnded = new Promise<void>((resolve) => {
        endedFirst = resolve;
      });
      const first = store.unitOfWork.run(async () => {
        const ended = await store.alerts.endSilence(r1.id, NOW.toISOString());
        endedFirst();
        await committing;
        return ended;
      });
      await firstHasEnded;
      const second = replica.unitOfWork.run(() => replica.alerts.endSilence(r1.id, NOW.toISOString()));
      await new Promise((resolve) => setTimeout(resolve, 100)); // the second is waiting for the first (a row lock; SQLite's gate)
      commit();
      expect(await first).toEqual(r1);
      expect(await second).toBeUndefined();
      expect(await active()).toEqual([]);
    });

    test('the unit of work that ends it sees it ended; another replica sees the end in its next unit of work', async () => {
      const r1 = await silence('r1', 'd1', hoursFromNow(4));
      const replica = store.alertsReplica();
      const seenBy = (side: { alerts: typeof store.alerts; unitOfWork: typeof store.unitOfWork }) =>
        side.unitOfWork.run(async () => ({ active: await active(side.alerts), found: (await side.alerts.findSilence('r1', 'd1', NOW))?.id }));
      // Both replicas have read the silences in a unit of work: each keeps a copy with r1 in force.
      const inForce = { active: [`r1@d1 until ${hoursFromNow(4)}`], found: r1.id };
      expect(await seenBy(replica)).toEqual(inForce);
      expect(await seenBy(store)).toEqual(inForce);
      // An end rolled back leaves it in force everywhere.
      await expect(
        store.unitOfWork.run(async () => {
          await store.alerts.endSilence(r1.id, NOW.toISOString());
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(await seenBy(store)).toEqual(inForce);
      expect(await seenBy(replica)).toEqual(inForce);

      const ending = await store.unitOfWork.run(async () => {
        expect(await active()).toEqual(inForce.active); // served from this replica's copy
        const ended = await store.alerts.endSilence(r1.id, NOW.toISOString());
        // The rest of this unit of work reads the table, not the copy it read before the end.
        expect(await active()).toEqual([]);
        expect(await store.alerts.findSilence('r1', 'd1', NOW)).toBeUndefined();
        return ended;
      });
      expect(ending).toEqual(r1);
      expect(await seenBy(replica)).toEqual({ active: [], found: undefined });
      expect(await seenBy(store)).toEqual({ active: [], found: undefined });
    });
  });
});

/** The rule's latest storm in the conversation, as a batch reads it (stormContext). */
async function latestStormOf(alerts: AlertRepository, conversationId: string, rule: string): Promise<Storm | undefined> {
  return (await alerts.stormContext(conversationId, 0, 1, [rule])).latest[0];
}
