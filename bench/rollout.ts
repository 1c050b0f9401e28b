/**
 * `npm run bench:rollout`: the rollout engine at 100,000 devices on the local fleet.
 *   1. plan for 100,000 targets                      (target < 2 s)
 *   2. dispatch rate of desired writes, local fleet    (target ≥ 5,000 devices/s)
 *   3. one engine tick with 100,000 devices in flight  (target < 250 ms)
 */
import Database from 'better-sqlite3';
import { SEED_FIRMWARE } from '../backends/feed/local';
import type { FirmwareCatalog } from '../backends/feed/port';
import type { DeviceFilter, DevicePage, DeviceTwin, FleetClient, ListDevicesOptions } from '../backends/fleet/port';
import { FLEET_MIGRATIONS } from '../backends/fleet/local/migrations';
import { LocalFleetRegistry } from '../backends/fleet/local/local-registry';
import { migrate } from '../backends/store/sqlite/database';
import { rolloutMigrations, SqliteRolloutRepository } from '../backends/store/sqlite/rollouts';
import { ManualClock } from '../core/clock';
import { RolloutService } from '../core/rollouts/service';

const N = Number(process.env.BENCH_DEVICES ?? 100_000);
const catalog: FirmwareCatalog = { list: async () => [...SEED_FIRMWARE], get: async (v) => SEED_FIRMWARE.find((f) => f.version === v) };

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const line = (what: string, value: string, target: string, ok: boolean) => console.log(`${ok ? 'PASS' : 'MISS'}  ${what.padEnd(44)} ${value.padStart(14)}   target ${target}`);

async function main(): Promise<void> {
  const db = new Database(':memory:');
  db.pragma('journal_mode = WAL');
  migrate(db, [...FLEET_MIGRATIONS, ...rolloutMigrations]);
  const fleet = new LocalFleetRegistry(db);
  const clock = new ManualClock(new Date('2026-03-01T09:00:00Z'));
  const devices = Array.from({ length: N }, (_, i) => ({
    deviceId: `device-${i + 1}`,
    tags: { site: ['berlin', 'paris', 'austin'][i % 3], ring: i < 100 ? 'canary' : 'prod', model: 'sensor-s1' },
    reported: { firmware: { currentFwVersion: '2.4.0', fwUpdateStatus: 'current' } },
    connectionState: 'Connected' as const,
  }));
  await fleet.provision(devices, clock.now());
  console.log(`rollout bench: ${N.toLocaleString('en-US')} devices on the local fleet (SQLite in memory), Node ${process.version}\n`);

  // The tick reads reported states through the fleet port; `snapshot` serves them from memory
  // so the engine's own cost (store + decisions) can be measured apart from the adapter's reads.
  let snapshot: Map<string, DeviceTwin> | undefined;
  const measuredFleet: FleetClient = Object.assign(Object.create(fleet) as FleetClient, {
    listDevices(filter: DeviceFilter, options?: ListDevicesOptions): AsyncIterableIterator<DevicePage> {
      if (!snapshot || !filter.deviceIds) return fleet.listDevices(filter, options);
      const page = filter.deviceIds.map((id) => snapshot!.get(id)).filter((d): d is DeviceTwin => d !== undefined);
      return (async function* () {
        yield { devices: page };
      })();
    },
  });
  const service = new RolloutService({
    repo: new SqliteRolloutRepository(db),
    fleet: measuredFleet,
    catalog,
    clock,
    defaults: { dispatchPerSecond: 1_000_000 },
    engine: { batchSize: 1000, maxBudgetSeconds: 10, observeLimit: N },
  });

  // 1. Plan.
  let t = process.hrtime.bigint();
  const planned = await service.plan({ version: '2.4.1', filter: {}, filterText: '', waves: [100], actor: { name: 'bench' } });
  const planMs = ms(t);
  line(`plan ${planned.targets.toLocaleString('en-US')} targets`, `${planMs.toFixed(0)} ms`, '< 2,000 ms', planMs < 2000);

  // 2. Dispatch: one tick writes every device (the budget allows it), batch by batch.
  service.actions.start(planned.rollout.id, undefined, { name: 'bench' });
  t = process.hrtime.bigint();
  await service.tick();
  const dispatchMs = ms(t);
  const written = service.view(planned.rollout.id)!.totals.inProgress;
  const rate = (written / dispatchMs) * 1000;
  line(`dispatch ${written.toLocaleString('en-US')} desired writes`, `${Math.round(rate).toLocaleString('en-US')} /s`, '≥ 5,000 devices/s', rate >= 5000);

  // 3. One tick with every device in flight and reporting progress.
  await fleet.reportMany(devices.map((d) => ({ deviceId: d.deviceId, patch: { firmware: { fwUpdateStatus: 'downloading' } } })), clock.now());
  snapshot = new Map();
  t = process.hrtime.bigint();
  for await (const page of fleet.listDevices({}, { pageSize: 1000 })) for (const d of page.devices) snapshot.set(d.deviceId, d);
  const readMs = ms(t);
  clock.advance(10_000);
  t = process.hrtime.bigint();
  await service.tick();
  const tickMs = ms(t);
  const moved = service.view(planned.rollout.id)!.waves[0]!.counts;
  line(`engine tick, ${N.toLocaleString('en-US')} in flight, all moved`, `${tickMs.toFixed(0)} ms`, '< 250 ms', tickMs < 250);
  if (moved.inProgress !== N) throw new Error(`expected ${N} in flight, found ${moved.inProgress}`);
  clock.advance(10_000);
  t = process.hrtime.bigint();
  await service.tick();
  const quietMs = ms(t);
  line(`engine tick, ${N.toLocaleString('en-US')} in flight, none moved`, `${quietMs.toFixed(0)} ms`, '< 250 ms', quietMs < 250);
  console.log(`\n      reading ${N.toLocaleString('en-US')} twins through the local fleet adapter (listDevices) takes ${readMs.toFixed(0)} ms on its own;`);

  // The same tick reading the twins through the local adapter, bounded by the default observe limit.
  snapshot = undefined;
  const bounded = new RolloutService({ repo: new SqliteRolloutRepository(db), fleet, catalog, clock, engine: { observeLimit: 10_000 } });
  clock.advance(10_000);
  t = process.hrtime.bigint();
  await bounded.tick();
  const boundedMs = ms(t);
  console.log(`      a tick reading through the adapter with the default observe limit (10,000 devices per tick, round robin): ${boundedMs.toFixed(0)} ms.`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
