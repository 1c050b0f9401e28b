import { parseAlertPayload } from '../../../core/alerts/parse-alert';
import { alertsWorld } from './world';
import { devicePayload } from './fixtures';

/** Storm cards rendered a few at a time, so a busy conversation does not hold the webhooks up. */
describe('flushing storm cards in rounds', () => {
  async function world() {
    const w = alertsWorld({ storm: { threshold: 1, windowMs: 60_000 } });
    await w.subscribe('ops');
    // Ingest without the world's immediate flush: the rounds are what is tested.
    const ingest = async (alertId: string, rule: string) => {
      const parsed = parseAlertPayload(devicePayload({ alertId, rule, deviceId: alertId }));
      if (!parsed.ok) throw new Error(parsed.error);
      await w.ingestor.ingest(parsed.alert, '{}');
    };
    return { ...w, ingest };
  }

  it('renders at most `limit` per call and goes on from the cursor until the round is complete', async () => {
    const w = await world();
    await w.ingest('own', 'A rule');
    for (const rule of ['A rule', 'B rule', 'C rule']) await w.ingest(`${rule}-1`, rule);
    const first = await w.publisher.flushSomeStorms(2);
    expect(first.rendered).toBe(2);
    expect(first.next).toMatchObject({ conversationId: 'ops', rule: 'B rule' });
    const second = await w.publisher.flushSomeStorms(2, first.next);
    expect(second).toEqual({ rendered: 1, next: undefined });
    expect(w.notifier.keys('ops')).toEqual(['alert:own', 'storm:ops:A rule', 'storm:ops:B rule', 'storm:ops:C rule']);
    expect(await w.repo.dirtyStorms()).toEqual([]);
  });

  it('leaves a storm dirtied behind the cursor for the next round instead of rendering it again now', async () => {
    const w = await world();
    await w.ingest('own', 'A rule');
    for (const rule of ['A rule', 'B rule', 'C rule']) await w.ingest(`${rule}-1`, rule);
    const first = await w.publisher.flushSomeStorms(1);
    await w.ingest('A rule-2', 'A rule');
    const rest = await w.publisher.flushSomeStorms(5, first.next);
    expect(rest.rendered).toBe(2);
    expect((await w.repo.dirtyStorms()).map((s) => s.rule)).toEqual(['A rule']);
    expect(await w.publisher.flushStorms()).toBe(1);
    expect(JSON.stringify(w.notifier.latest('ops', 'storm:ops:A rule'))).toContain('2 (2 firing, 0 resolved)');
  });
});
