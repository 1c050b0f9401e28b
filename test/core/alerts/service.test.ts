import { alertsWorld } from './world';
import { devicePayload } from './fixtures';
import { AlertStateError } from '../../../core/ports/alerts';
import { cardIn, facts } from '../../support/card-reading';

describe('AlertService actions', () => {
  it('acknowledges: tells the source, stores who and when, updates every copy', async () => {
    const w = alertsWorld();
    await w.subscribe('a');
    await w.subscribe('b');
    await w.ingest(devicePayload({ alertId: 'a1', deviceId: 'device-42' }));
    w.clock.advance(60_000);
    const record = await w.service.acknowledge('a1', { name: 'Ada Lovelace', upn: 'ada@contoso.com' });
    expect(w.stateClient.calls).toEqual([
      { alertId: 'a1', newState: 'Acknowledged', comment: 'Acknowledged from Microsoft Teams by Ada Lovelace (ada@contoso.com) via FleetOps' },
    ]);
    expect(record).toMatchObject({ state: 'Acknowledged', acknowledgedBy: 'Ada Lovelace', acknowledgedAt: '2026-01-01T00:01:00.000Z' });
    const updates = w.notifier.posts.slice(2);
    expect(updates.map((p) => p.conversationId)).toEqual(['a', 'b']);
    expect(JSON.stringify(updates[0]!.message.card)).toContain('by Ada Lovelace, 2026-01-01 00:01 UTC');
    expect(JSON.stringify(updates[0]!.message.card)).not.toContain('"title":"Acknowledge"');
  });

  it('a second click is refused, naming who did it first', async () => {
    const w = alertsWorld();
    await w.ingest(devicePayload({ alertId: 'a1' }));
    await w.service.acknowledge('a1', { name: 'Ada' });
    await expect(w.service.acknowledge('a1', { name: 'Bob' })).rejects.toMatchObject({
      code: 'alert_already_acknowledged',
      facts: { alertId: 'a1', by: 'Ada', at: expect.any(String) },
    });
    expect(w.stateClient.calls).toHaveLength(1);
  });

  it('closes, and closing twice is refused', async () => {
    const w = alertsWorld();
    await w.ingest(devicePayload({ alertId: 'a1' }));
    expect((await w.service.close('a1', { name: 'Ada' })).state).toBe('Closed');
    await expect(w.service.close('a1', { name: 'Bob' })).rejects.toMatchObject({ code: 'alert_already_closed', facts: { by: 'Ada' } });
    await expect(w.service.acknowledge('a9', { name: 'Bob' })).rejects.toMatchObject({ code: 'alert_not_found', facts: { alertId: 'a9' } });
    expect((await w.service.listOpen()).total).toBe(0);
  });

  it('leaves the alert unchanged when the source refuses', async () => {
    const w = alertsWorld();
    await w.ingest(devicePayload({ alertId: 'a1' }));
    w.stateClient.failWith = new AlertStateError('403 Forbidden');
    await expect(w.service.acknowledge('a1', { name: 'Ada' })).rejects.toMatchObject({
      code: 'alert_source_refused',
      facts: { alertId: 'a1', reason: '403 Forbidden' },
    });
    expect((await w.service.get('a1'))?.state).toBe('New');
  });

  it('finds alerts by their short id and lists open ones by device', async () => {
    const w = alertsWorld();
    await w.ingest(devicePayload({ alertId: '/subscriptions/s/providers/Microsoft.AlertsManagement/alerts/abc-123', deviceId: 'device-42' }));
    await w.ingest(devicePayload({ alertId: 'other', deviceId: 'device-7', severity: 0 }));
    expect((await w.service.get('abc-123'))?.deviceId).toBe('device-42');
    expect((await w.service.openForDevice('device-42')).map((a) => a.deviceId)).toEqual(['device-42']);
    expect((await w.service.listOpen()).alerts.map((a) => a.severity)).toEqual([0, 1]);
  });

  it('silences list until they expire', async () => {
    const w = alertsWorld();
    await w.ingest(devicePayload({ alertId: 'a1', deviceId: 'device-42' }));
    await w.service.silence('a1', 4, { name: 'Ada' });
    expect(await w.service.silences()).toMatchObject([{ rule: 'Temperature high', target: 'device-42', until: '2026-01-01T04:00:00.000Z', createdBy: 'Ada' }]);
    w.clock.advance(4 * 3_600_000);
    expect(await w.service.silences()).toEqual([]);
  });

  it('ending a silence: the open alerts it covered show no silence on their cards any more, one that arrived silenced gets its card, and new ones get cards again', async () => {
    const w = alertsWorld({ storm: { threshold: 100, windowMs: 60_000 } });
    await w.subscribe('ops');
    await w.ingest(devicePayload({ alertId: 'a1', deviceId: 'device-42' }));
    await w.ingest(devicePayload({ alertId: 'a2', deviceId: 'device-7' }));
    await w.ingest(devicePayload({ alertId: 'h1' })); // no device: its target is the IoT hub
    w.clock.advance(60_000);
    const { silence } = await w.service.silence('a1', 4, { name: 'Ada' });
    const { silence: onHub } = await w.service.silence('h1', 1, { name: 'Ada' });
    const silenced = (alertId: string) => facts(cardIn(w.notifier.latest('ops', `alert:${alertId}`))).Silenced;
    expect(silenced('a1')).toBe('until 2026-01-01 04:01 UTC by Ada (rule on this target)');
    expect(silenced('h1')).toBe('until 2026-01-01 01:01 UTC by Ada (rule on this target)');
    expect(await w.ingest(devicePayload({ alertId: 'a3', deviceId: 'device-42' }))).toMatchObject({ cards: 0, silenced: true });

    w.clock.advance(60_000);
    const posts = w.notifier.posts.length;
    expect(await w.service.endSilence(silence.id)).toEqual(silence);
    // a1's card again, without the silence; a3, which arrived silenced and still fires, gets its first card (Azure Monitor
    // will not send it again); a2 and h1 were not covered.
    expect(
      w.notifier.posts
        .slice(posts)
        .map((p) => p.key)
        .sort(),
    ).toEqual(['alert:a1', 'alert:a3']);
    expect(facts(cardIn(w.notifier.latest('ops', 'alert:a3'))).Silenced).toBeUndefined();
    expect(silenced('a1')).toBeUndefined();
    expect((await w.service.cardInput((await w.service.get('a1'))!)).silence).toBeUndefined();
    expect(await w.service.silences()).toEqual([onHub]);
    expect(await w.ingest(devicePayload({ alertId: 'a4', deviceId: 'device-42' }))).toMatchObject({ cards: 1, silenced: false });

    // Ended already: nothing changes, nothing is posted.
    const after = w.notifier.posts.length;
    expect(await w.service.endSilence(silence.id)).toBeUndefined();
    expect(await w.service.endSilence(9999)).toBeUndefined();
    expect(w.notifier.posts).toHaveLength(after);

    // A silence on a resource (no device): its alert's card too.
    expect(await w.service.endSilence(onHub.id)).toEqual(onHub);
    expect(w.notifier.posts.slice(after).map((p) => p.key)).toEqual(['alert:h1']);
    expect(silenced('h1')).toBeUndefined();
    expect(await w.service.silences()).toEqual([]);
  });
});
