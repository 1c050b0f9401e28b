import { NodeSqlite } from '../../../backends/store/sqlite/driver';
import { connectIotHub, type IotHubTransport } from '../../../backends/fleet/iothub/connect';
import { migrate } from '../../../backends/store/sqlite/database';
import { rolloutMigrations, sqliteRolloutRepository } from '../../../backends/store/sqlite/rollouts';
import { ManualClock } from '../../../core/clock';
import { RolloutService } from '../../../core/rollouts/service';
import { FakeIotHubRest } from '../../backends/fleet/fake-iothub-rest';
import { steppedTime } from '../../backends/fleet/harness';
import { SEED_FIRMWARE } from '../../../backends/feed/local';
import { catalogOf, LEAD } from './world';
import { SqliteUnitOfWork } from '../../../backends/store/sqlite/unit-of-work';

/** 2.4.1 for sensors only, so the gateways among the targets are set aside as incompatible. */
const catalog = catalogOf(SEED_FIRMWARE.map((f) => (f.version === '2.4.1' ? { ...f, compatibleModels: ['sensor-s1'] } : f)));

/**
 * Azure mode at more than 10,000 devices: IoT Hub answers a device query in pages (at most
 * 1,000 to 10,000 rows, whatever page size was asked for) chained by an opaque
 * x-ms-continuation token. The fake hub stands behind the SDK's REST transport; this edge
 * caps its pages and swaps its continuation tokens for opaque ones, as the service does.
 */
class PagingHub implements IotHubTransport {
  readonly pages: Array<{ asked: number; served: number; token?: string }> = [];
  private readonly tokens = new Map<string, string>();

  constructor(
    private readonly hub: FakeIotHubRest,
    private readonly maxPage: number,
  ) {}

  setOptions(): void {}

  executeApiCall(method: string, path: string, headers: Record<string, unknown> | null, body: unknown, timeoutOrDone: unknown, maybeDone?: unknown): void {
    type Done = (err: Error | null, result?: unknown, response?: { statusCode: number; headers: Record<string, string> }) => void;
    const done = (typeof timeoutOrDone === 'function' ? timeoutOrDone : maybeDone) as Done;
    if (!(method === 'POST' && path.split('?')[0] === '/devices/query')) {
      this.hub.executeApiCall(method, path, headers, body, done);
      return;
    }
    const asked = Number(headers?.['x-ms-max-item-count'] ?? 100);
    const opaque = headers?.['x-ms-continuation'];
    if (opaque !== undefined && opaque !== null && !this.tokens.has(String(opaque))) {
      done(new Error(`the adapter sent a continuation token the hub never gave: ${String(opaque)}`));
      return;
    }
    const forwarded = {
      ...headers,
      'x-ms-max-item-count': Math.min(asked, this.maxPage),
      'x-ms-continuation': opaque === undefined || opaque === null ? undefined : this.tokens.get(String(opaque)),
    };
    this.hub.executeApiCall(
      method,
      path,
      forwarded,
      body,
      (err: Error | null, result?: unknown, response?: { statusCode: number; headers: Record<string, string> }) => {
        if (err || !response) return done(err);
        const next = response.headers['x-ms-continuation'];
        const headersOut: Record<string, string> = {};
        if (next !== undefined) {
          const token = `+RID:${Buffer.from(`page-${this.pages.length}-${next}`).toString('base64')}#RT:1#TRC:${next}`;
          this.tokens.set(token, next);
          headersOut['x-ms-continuation'] = token;
        }
        this.pages.push({ asked, served: Array.isArray(result) ? result.length : 0, token: headersOut['x-ms-continuation'] });
        done(null, result, { statusCode: response.statusCode, headers: headersOut });
      },
    );
  }
}

function azureWorld(devices: number, maxPage: number) {
  const fake = new FakeIotHubRest();
  for (let i = 1; i <= devices; i++) {
    const id = `device-${String(i).padStart(5, '0')}`;
    const model = i % 997 === 0 ? 'gateway-g2' : 'sensor-s1';
    const version = i % 1009 === 0 ? '2.4.1' : '2.4.0';
    fake.addDevice({
      deviceId: id,
      connectionState: 'Connected',
      tags: { site: ['berlin', 'paris', 'austin'][i % 3], ring: i <= 120 ? 'canary' : 'broad', model },
      properties: { desired: {}, reported: { firmware: { currentFwVersion: version, fwUpdateStatus: 'current' } } },
    });
  }
  const hub = new PagingHub(fake, maxPage);
  const fleet = connectIotHub(
    { connectionString: 'HostName=fleet-test.azure-devices.net;SharedAccessKeyName=service;SharedAccessKey=c2VjcmV0' },
    { restApiClient: hub, time: steppedTime(), retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10, random: () => 0.5 } },
  );
  const db = new NodeSqlite(':memory:');
  migrate(db, rolloutMigrations);
  const clock = new ManualClock(new Date('2026-03-01T09:00:00Z'));
  const service = new RolloutService({
    repo: sqliteRolloutRepository(db),
    unitOfWork: new SqliteUnitOfWork(db),
    fleet,
    catalog,
    clock,
    defaults: { dispatchPerSecond: 100_000 },
    engine: { batchSize: 2_000 },
  });
  const rows = () =>
    db.prepare('SELECT device_id AS deviceId, wave, state FROM rollout_devices WHERE rollout_id = ?').all('R1') as Array<{
      deviceId: string;
      wave: number | null;
      state: string;
    }>;
  return { fake, hub, service, clock, rows };
}

describe('rollouts over IoT Hub, more than 10,000 devices', () => {
  jest.setTimeout(60_000);

  it.each([[1_000], [10_000]])('plans every device of a %i-per-page answer exactly once, following the continuation tokens', async (maxPage) => {
    const N = 12_345;
    const w = azureWorld(N, maxPage);
    const planned = await w.service.plan({ version: '2.4.1', filter: {}, filterText: '', waves: [1, 10, 50, 100], actor: LEAD });

    const pages = w.hub.pages;
    expect(pages.length).toBe(Math.ceil(N / maxPage));
    expect(pages.every((p) => p.served <= maxPage)).toBe(true);
    expect(pages.at(-1)!.token).toBeUndefined();

    const rows = w.rows();
    expect(rows).toHaveLength(N);
    expect(new Set(rows.map((r) => r.deviceId)).size).toBe(N);
    expect(new Set(rows.map((r) => r.deviceId))).toEqual(new Set(w.fake.twins.keys()));
    const current = Math.floor(N / 1009);
    const gateways = Math.floor(N / 997) - Math.floor(N / (997 * 1009));
    expect(planned).toMatchObject({ targets: N, alreadyCurrent: current, incompatible: gateways });
    expect(planned.waveSizes.reduce((a, b) => a + b, 0)).toBe(N - current - gateways);
    // The canary ring (tag read through the projection, on the first page) leads wave 1.
    expect(rows.filter((r) => Number(r.deviceId.slice(-5)) <= 120).every((r) => r.wave === 1)).toBe(true);
  });

  it('dispatch and the tick read the rollout across pages: every device written once and tracked', async () => {
    const N = 10_500;
    const w = azureWorld(N, 1_000);
    const planned = await w.service.plan({ version: '2.4.1', filter: { ring: 'broad' }, filterText: 'ring:broad', waves: [100], actor: LEAD });
    const eligible = planned.waveSizes[0]!;
    expect((await w.service.actions.start('R1', 1, LEAD)).rollout.state).toBe('running');

    for (let i = 0; i < 3; i++) {
      await w.service.tick();
      w.clock.advance(10_000);
    }
    const patches = w.fake.calls.filter((c) => c.method === 'PATCH').map((c) => decodeURIComponent(c.path.split('?')[0]!.slice('/twins/'.length)));
    expect(patches).toHaveLength(eligible);
    expect(new Set(patches).size).toBe(eligible);

    // The devices start downloading; the next tick reads every page of the rollout's devices and moves them all.
    for (const twin of w.fake.twins.values()) {
      if ((twin.properties.desired.firmware as { rolloutId?: string } | undefined)?.rolloutId === 'R1') {
        twin.properties.reported.firmware = { currentFwVersion: '2.4.0', fwUpdateStatus: 'downloading', pendingFwVersion: '2.4.1' };
      }
    }
    const before = w.hub.pages.length;
    await w.service.tick();
    expect(w.hub.pages.length - before).toBeGreaterThanOrEqual(Math.ceil(eligible / 1_000));
    expect((await w.service.view('R1'))!.waves[0]!.counts).toMatchObject({ inProgress: eligible, queued: 0 });
    expect(w.rows().filter((r) => r.state === 'downloading')).toHaveLength(eligible);
  });
});
