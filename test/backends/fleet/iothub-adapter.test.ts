import { filterToWhere, quoteLiteral } from '../../../backends/fleet/iothub/query-where';
import { toDeviceTwin } from '../../../backends/fleet/iothub/twin-mapping';
import { TokenBucket } from '../../../backends/fleet/iothub/rate-limiter';
import { iothubHarness, steppedTime } from './harness';
import { runQuery } from './fake-iothub-rest';

describe('IoT Hub adapter specifics', () => {
  test('twin JSON: lower-case connectionState is normalised and 0001-01-01 means never', () => {
    const twin = toDeviceTwin({
      deviceId: 'd',
      status: 'enabled',
      connectionState: 'connected',
      lastActivityTime: '0001-01-01T00:00:00Z',
      tags: {},
      properties: {},
    });
    expect(twin.connectionState).toBe('Connected');
    expect(twin.lastActivityTime).toBeUndefined();
  });

  test('values are escaped and survive the round trip through the query language', () => {
    const where = filterToWhere({ site: "o'brien\\x", tags: { owner: 'a b' }, deviceIds: ["x'1"] });
    expect(where).toBe("tags.site = 'o\\'brien\\\\x' AND tags.owner = 'a b' AND deviceId IN ['x\\'1']");
    const rows = runQuery(`SELECT deviceId FROM devices WHERE ${where}`, []);
    expect(rows).toEqual([]);
    expect(() => quoteLiteral('bad\nline')).toThrow(/control characters/);
    expect(() => filterToWhere({ tags: { 'x = 1 OR 1': '1' } })).toThrow(/Tag name/);
  });

  test('a 429 is retried with backoff and then succeeds', async () => {
    const h = iothubHarness();
    await h.seed([{ deviceId: 'device-1' }]);
    h.fake.throttleNext(2);
    expect((await h.client.getDevice('device-1'))?.deviceId).toBe('device-1');
    expect(h.time.slept).toEqual([75, 150]); // half the backoff plus jitter (random 0.5)
    expect(h.fake.calls.filter((c) => c.method === 'GET')).toHaveLength(3);
  });

  test('persistent throttling becomes a per-device failure in updateDesired, not a crash', async () => {
    const h = iothubHarness();
    await h.seed([{ deviceId: 'device-1' }, { deviceId: 'device-2' }]);
    h.fake.throttleNext(4);
    const results = await h.client.updateDesired(['device-1', 'device-2'], { firmware: { fwVersion: '2.0.0' } });
    const failed = results.filter((r) => !r.ok);
    expect(failed.length + results.filter((r) => r.ok).length).toBe(2);
    expect(failed.every((r) => /throttled/.test(r.error!))).toBe(true);
  });

  test('twin updates are paced at the S1 quota (50/s) by the client-side limiter', async () => {
    const h = iothubHarness();
    const ids = Array.from({ length: 150 }, (_, i) => `device-${i + 1}`);
    await h.seed(ids.map((deviceId) => ({ deviceId })));
    const results = await h.client.updateDesired(ids, { firmware: { fwVersion: '2.0.0' } });
    expect(results.every((r) => r.ok)).toBe(true);
    // 50 in the first burst, then 100 more at 50/s: about 2 s of (stepped) time.
    expect(h.time.now()).toBeGreaterThanOrEqual(1900);
    expect(h.time.now()).toBeLessThan(2600);
    const patch = h.fake.calls.find((c) => c.method === 'PATCH')!;
    expect(patch.headers).toMatchObject({ 'If-Match': '"*"' });
    expect(patch.body).toEqual({ properties: { desired: { firmware: { fwVersion: '2.0.0' } } } });
  });

  test('a chat read refuses to wait long for quota, with a message saying when to retry', async () => {
    const time = steppedTime();
    const queries = new TokenBucket('query', 2 / 60, 2, time); // 2 queries/min
    await queries.acquire({ maxWaitMs: 10_000 });
    await queries.acquire({ maxWaitMs: 10_000 });
    await expect(queries.acquire({ maxWaitMs: 10_000 })).rejects.toThrow('IoT Hub query quota is used up for now; try again in 30 s.');
    await queries.acquire(); // background work waits instead
    expect(time.now()).toBe(30_000);
  });

  test('GROUP BY and COUNT queries are the documented shapes', async () => {
    const h = iothubHarness();
    await h.seed([{ deviceId: 'device-1', tags: { site: 'berlin' } }]);
    await h.client.countBy('firmware', { site: 'berlin' });
    await h.client.countDevices({ connection: 'Disconnected' });
    const queries = h.fake.calls.filter((c) => c.path.startsWith('/devices/query')).map((c) => (c.body as { query: string }).query);
    expect(queries).toEqual([
      "SELECT properties.reported.firmware.currentFwVersion AS value, COUNT() AS numberOfDevices FROM devices WHERE tags.site = 'berlin' GROUP BY properties.reported.firmware.currentFwVersion",
      "SELECT COUNT() AS numberOfDevices FROM devices WHERE connectionState = 'Disconnected'",
    ]);
  });

  test('a twin-update job always carries a start time and a max execution time, and a condition', async () => {
    const h = iothubHarness();
    const start = new Date('2026-02-01T10:00:00Z');
    const job = await h.iothub.scheduleDesiredUpdate('rollout-R1-wave-3', { ring: 'broad' }, { firmware: { fwVersion: '2.0.0' } }, start, 1800);
    expect(job).toEqual({ jobId: 'rollout-R1-wave-3', status: 'queued' });
    expect(h.fake.jobs[0]).toMatchObject({
      jobId: 'rollout-R1-wave-3',
      type: 'scheduleUpdateTwin',
      queryCondition: "tags.ring = 'broad'",
      startTime: '2026-02-01T10:00:00.000Z',
      maxExecutionTimeInSeconds: 1800,
      updateTwin: { etag: '*', properties: { desired: { firmware: { fwVersion: '2.0.0' } } } },
    });
    await expect(h.iothub.scheduleDesiredUpdate('x', {}, {}, start)).rejects.toThrow(/every device/);
  });

  test('direct method errors come back as status and body', async () => {
    const h = iothubHarness();
    await h.seed([{ deviceId: 'device-1', connectionState: 'Disconnected' }]);
    h.answerMethods(() => ({ status: 200 }));
    const result = await h.client.invokeMethod('device-1', 'reboot');
    expect(result.status).toBe(404);
    expect(JSON.stringify(result.payload)).toContain('DeviceNotOnline');
  });
});
