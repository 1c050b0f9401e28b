import { AlertIngestor } from '../../../../core/alerts/ingest';
import { parseAlertPayload } from '../../../../core/alerts/parse-alert';
import { AlertPublisher } from '../../../../core/alerts/publisher';
import { AlertService } from '../../../../core/alerts/service';
import { ManualClock } from '../../../../core/clock';
import { silentLogger } from '../../../../core/logger';
import { alertCard } from '../../../../cards/alert';
import { alertStormCard } from '../../../../cards/alert-storm';
import { devicePayload } from '../../../core/alerts/fixtures';
import { RecordingNotifier, RecordingStateClient } from '../../../core/alerts/world';
import { ADAPTERS, type StoreUnderTest } from './adapters';
import type { StormJoiner } from '../../../../core/alerts/repository';

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
    const publisher = new AlertPublisher(repo, store.unitOfWork, notifier, { alert: alertCard, storm: alertStormCard }, clock);
    const ingestor = new AlertIngestor({ repo, unitOfWork: store.unitOfWork, subscriptions: store.subscriptions, publisher, clock, storm, log: silentLogger });
    const service = new AlertService({ repo, unitOfWork: store.unitOfWork, publisher, stateClient: new RecordingStateClient(), clock, log: silentLogger });
    const ingest = async (payload: ReturnType<typeof devicePayload>) => {
      const parsed = parseAlertPayload(payload);
      if (!parsed.ok) throw new Error(parsed.error);
      return ingestor.ingest(parsed.alert, JSON.stringify(payload));
    };
    const subscribe = (conversationId: string, filter = '') => store.subscriptions.add({ conversationId, topic: 'alerts', filter, createdBy: 'test' });
    return { clock, notifier, publisher, service, ingest, subscribe };
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
    const latest = await store.alerts.latestStorm('ops', 'Device offline');
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

  test('claimEvent claims a dedupe key once and returns the alert as stored before the notification', async () => {
    const w = world();
    expect(await store.alerts.claimEvent('key-1', 'alert-1', '2026-01-01T00:00:00.000Z', '{}')).toEqual({ claimed: true, previous: undefined });
    expect(await store.alerts.claimEvent('key-1', 'alert-1', '2026-01-01T00:00:01.000Z', '{}')).toEqual({ claimed: false });
    await w.ingest(devicePayload({ alertId: 'alert-2', rule: 'Temperature high', deviceId: 'device-1' }));
    const stored = await store.alerts.getExact('alert-2');
    expect(await store.alerts.claimEvent('key-2', 'alert-2', '2026-01-01T00:00:02.000Z', '{}')).toEqual({ claimed: true, previous: stored });
    // Inside a unit of work that rolls back, the claim is undone with it.
    await expect(
      store.unitOfWork.run(async () => {
        await store.alerts.claimEvent('key-3', 'alert-3', '2026-01-01T00:00:03.000Z', '{}');
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await store.alerts.claimEvent('key-3', 'alert-3', '2026-01-01T00:00:04.000Z', '{}')).toEqual({ claimed: true, previous: undefined });
  });

  test('in one unit of work: a storm joined, cleared and marked again is dirty; a subscription added is listed', async () => {
    const storm = { conversationId: 'ops', rule: 'Device offline', generation: 1, startedAt: 1, lastAt: 1 };
    const member: StormJoiner = { monitorCondition: 'Fired', severity: 1, firedAt: '2026-01-01T00:00:00.000Z', site: undefined };
    await store.unitOfWork.run(async () => {
      expect(await store.subscriptions.listForTopic('alerts')).toEqual([]);
      await store.subscriptions.add({ conversationId: 'ops', topic: 'alerts', filter: '', createdBy: 'test' });
      expect((await store.subscriptions.listForTopic('alerts')).map((s) => s.conversationId)).toEqual(['ops']);
      await store.alerts.joinStorm(storm, member);
      await store.alerts.clearStormDirty(storm);
      await store.alerts.markStormDirty('ops', 'Device offline', 1);
    });
    expect((await store.alerts.dirtyStorms()).map((s) => s.rule)).toEqual(['Device offline']);
    // A savepoint that rolls back takes its marks with it.
    await store.alerts.clearStormDirty(storm);
    await store.unitOfWork.run(async () => {
      await store.unitOfWork
        .run(async () => {
          await store.alerts.joinStorm(storm, member);
          throw new Error('rolled back');
        })
        .catch(() => undefined);
      await store.alerts.markStormDirty('ops', 'Device offline', 1);
    });
    expect((await store.alerts.dirtyStorms()).map((s) => s.rule)).toEqual(['Device offline']);
  });
});
