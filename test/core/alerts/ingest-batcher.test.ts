import { IngestBatcher } from '../../../core/alerts/ingest-batcher';
import { parseAlertPayload } from '../../../core/alerts/parse-alert';
import { alertsWorld } from './world';
import { devicePayload } from './fixtures';
import type { UnitOfWork } from '../../../core/unit-of-work';
import type { AlertRecord } from '../../../core/alerts/alert';
import type { AlertRepository } from '../../../core/alerts/repository';

const alert = (id: string) => {
  const parsed = parseAlertPayload(devicePayload({ alertId: id }));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.alert;
};

describe('IngestBatcher', () => {
  it('stores alerts that arrive together in one unit of work and answers each', async () => {
    const w = alertsWorld();
    const batcher = new IngestBatcher(w.ingestor, w.unitOfWork);
    const results = await Promise.all(['a', 'b', 'a'].map((id) => batcher.submit(alert(id), '{}')));
    expect(results.map((r) => r.outcome)).toEqual(['stored', 'stored', 'duplicate']);
  });

  it('fails only the alert whose storage failed; the others are kept', async () => {
    const w = alertsWorld();
    await w.subscribe('ops');
    const batcher = new IngestBatcher(w.ingestor, w.unitOfWork);
    const post = w.notifier.post.bind(w.notifier);
    w.notifier.post = async (conversationId, key, message) => {
      if (key === 'alert:bad') throw new Error('boom');
      await post(conversationId, key, message);
    };
    const outcomes = await Promise.allSettled(['good-1', 'bad', 'good-2'].map((id) => batcher.submit(alert(id), '{}')));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await w.service.get('bad')).toBeUndefined();
    expect(await w.service.get('good-1')).toBeDefined();
    expect(await w.service.get('good-2')).toBeDefined();
  });

  it('answers only once the batch is on disk, and fails the batch when the disk flush fails', async () => {
    const w = alertsWorld();
    // The unit of work commits, then waits for a disk flush the test holds.
    const flushes: Array<{ done: () => void; fail: (error: Error) => void }> = [];
    const unitOfWork: UnitOfWork = {
      async run(work) {
        const result = await w.unitOfWork.run(work);
        await new Promise<void>((resolve, reject) => flushes.push({ done: resolve, fail: reject }));
        return result;
      },
    };
    const batcher = new IngestBatcher(w.ingestor, unitOfWork);
    let answered = false;
    const first = batcher.submit(alert('a'), '{}').then((r) => {
      answered = true;
      return r;
    });
    await new Promise((r) => setImmediate(r));
    expect(flushes).toHaveLength(1);
    expect(await w.service.get('a')).toBeDefined(); // committed…
    await Promise.resolve();
    expect(answered).toBe(false); // …but not answered before the flush
    flushes[0]!.done();
    await expect(first).resolves.toMatchObject({ outcome: 'stored' });

    const second = batcher.submit(alert('b'), '{}');
    await new Promise((r) => setImmediate(r));
    flushes[1]!.fail(new Error('EIO'));
    await expect(second).rejects.toThrow('EIO');
  });

  it('retries alone an alert that failed in the batch: one that fails only there is stored', async () => {
    const w = alertsWorld();
    await w.subscribe('ops');
    const batcher = new IngestBatcher(w.ingestor, w.unitOfWork);
    const post = w.notifier.post.bind(w.notifier);
    let failures = 0;
    w.notifier.post = async (conversationId, key, message) => {
      if (key === 'alert:flaky' && failures++ === 0) throw new Error('transient');
      await post(conversationId, key, message);
    };
    const outcomes = await Promise.allSettled(['one', 'flaky', 'two'].map((id) => batcher.submit(alert(id), '{}')));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    for (const id of ['one', 'flaky', 'two']) expect(await w.service.get(id)).toBeDefined();
  });

  it('keeps the order of one alert’s notifications in a batch (batches are sorted by rule, stably)', async () => {
    const w = alertsWorld();
    const batcher = new IngestBatcher(w.ingestor, w.unitOfWork);
    const resolved = parseAlertPayload(devicePayload({ alertId: 'a', condition: 'Resolved' }));
    if (!resolved.ok) throw new Error(resolved.error);
    const other = parseAlertPayload(devicePayload({ alertId: 'b', rule: 'A rule sorted first' }));
    if (!other.ok) throw new Error(other.error);
    await Promise.all([batcher.submit(alert('a'), '{}'), batcher.submit(other.alert, '{}'), batcher.submit(resolved.alert, '{}')]);
    expect(await w.service.get('a')).toMatchObject({ monitorCondition: 'Resolved', version: 2 });
  });

  it('retries each alert alone when a statement for the whole batch fails: the one that always fails is refused, the others stored', async () => {
    const w = alertsWorld({ wrapRepo: refusingPoison });
    await w.subscribe('ops');
    const batcher = new IngestBatcher(w.ingestor, w.unitOfWork);
    const outcomes = await Promise.allSettled(['one', 'poison', 'two'].map((id) => batcher.submit(alert(id), '{}')));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await w.service.get('poison')).toBeUndefined();
    for (const id of ['one', 'two']) expect(await w.service.get(id)).toBeDefined();
    expect(w.notifier.keys()).toEqual(expect.arrayContaining(['alert:one', 'alert:two']));
  });

  it('records a hold (maintenance window) in the batch: with the alerts that commit, and not for one that is refused', async () => {
    const until = '2027-01-01T00:00:00.000Z';
    // The hold records a line its release will look for; a silence row stands in for on call's timeline line.
    const w = alertsWorld({
      wrapRepo: refusingPoison,
      holds: (repo) => async (record) => {
        await repo.addSilence({ rule: 'held', target: record.alertId, until, createdBy: 'hold', createdAt: '2026-01-01T00:00:00.000Z' });
        return true;
      },
    });
    await w.subscribe('ops');
    const batcher = new IngestBatcher(w.ingestor, w.unitOfWork);
    const outcomes = await Promise.allSettled(['one', 'poison', 'two'].map((id) => batcher.submit(alert(id), '{}')));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await w.repo.activeSilences(w.clock.now())).map((s) => s.target).sort()).toEqual(['one', 'two']);
    expect(w.notifier.posts).toEqual([]);
  });
});

/** The alerts' upsert refuses any batch holding "poison" (as a value the database rejects would). */
const refusingPoison = (repo: AlertRepository): AlertRepository =>
  new Proxy(repo, {
    get: (target, prop, receiver) =>
      prop === 'saveAll'
        ? async (records: readonly AlertRecord[]) => {
            if (records.some((r) => r.alertId === 'poison')) throw new Error('value too long');
            await target.saveAll(records);
          }
        : Reflect.get(target, prop, receiver),
  });
