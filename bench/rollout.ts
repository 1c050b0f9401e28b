/**
 * `npm run bench:rollout`: the rollout engine at 100,000 devices on the local fleet, with
 * the production storage settings (SQLite file, WAL, synchronous=FULL) and every read going
 * through the fleet port's adapter (nothing served from memory).
 *   1. plan for 100,000 targets                                  (target < 2 s)
 *   2. dispatch rate of desired writes, local fleet                (target ≥ 5,000 devices/s)
 *   3. one engine tick with 100,000 devices in flight              (target < 250 ms)
 *      measured as a tick meets them: 10 % reporting a new phase (the steady state: most
 *      in-flight devices soak for minutes, and those reporting are the ones written about
 *      the same time, i.e. neighbours in dispatch order), none reporting, the soak ending
 *      for all at once (time-only transitions), and the worst case of every device
 *      reporting a new phase in the same 10 s.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SEED_FIRMWARE } from '../backends/feed/local';
import type { FirmwareCatalog } from '../core/ports/feed';
import { FLEET_MIGRATIONS } from '../backends/fleet/local/migrations';
import { LocalFleetRegistry } from '../backends/fleet/local/local-registry';
import { openDatabase } from '../backends/store/sqlite/database';
import { rolloutMigrations, sqliteRolloutRepository } from '../backends/store/sqlite/rollouts';
import { ManualClock } from '../core/clock';
import { RolloutService } from '../core/rollouts/service';
import { median } from './report';
import { SqliteUnitOfWork } from '../backends/store/sqlite/unit-of-work';

const N = Number(process.env.BENCH_DEVICES ?? 100_000);
const catalog: FirmwareCatalog = { list: async () => [...SEED_FIRMWARE], get: async (v) => SEED_FIRMWARE.find((f) => f.version === v) };

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
/** CPU this process used (user + system), to tell its own cost from waiting for a shared machine. */
const cpuMs = (start: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
};
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const line = (what: string, value: string, target: string | undefined, ok: boolean | undefined) =>
  console.log(`${ok === undefined ? '    ' : ok ? 'PASS' : 'MISS'}  ${what.padEnd(62)} ${value.padStart(12)}${target ? `   target ${target}` : ''}`);

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-rollout-'));
  const db = openDatabase(path.join(dir, 'fleetops.sqlite'), [...FLEET_MIGRATIONS, ...rolloutMigrations]);
  const fleet = new LocalFleetRegistry(db);
  const clock = new ManualClock(new Date('2026-03-01T09:00:00Z'));
  const ids = Array.from({ length: N }, (_, i) => `device-${i + 1}`);
  await fleet.provision(
    ids.map((deviceId, i) => ({
      deviceId,
      tags: { site: ['berlin', 'paris', 'austin'][i % 3], ring: i < N / 100 ? 'canary' : 'broad', model: 'sensor-s1' },
      reported: { firmware: { currentFwVersion: '2.4.0', fwUpdateStatus: 'current' } },
      connectionState: 'Connected' as const,
    })),
    clock.now(),
  );
  await fleet.setConnectionMany(
    ids.map((deviceId) => ({ deviceId, state: 'Connected' as const })),
    clock.now(),
  );
  console.log(
    `rollout bench: ${fmt(N)} devices, local fleet and store in one SQLite file (WAL, synchronous=FULL), Node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(1)}`,
  );
  console.log('figures are wall time, judged against the targets; CPU is this process alone (on a busy machine it is the cost of the work itself)\n');

  const service = new RolloutService({
    repo: sqliteRolloutRepository(db),
    unitOfWork: new SqliteUnitOfWork(db),
    fleet,
    catalog,
    clock,
    defaults: { dispatchPerSecond: 1_000_000, soakMs: 5 * 60_000 },
    engine: { batchSize: 5000, maxBudgetSeconds: 10 },
  });
  /** A slice (`share` of the devices, starting at `from`) of the devices in dispatch order report `firmware`. */
  const report = async (share: number, firmware: Record<string, unknown>, from = 0) => {
    const inOrder = db
      .prepare('SELECT device_id FROM rollout_devices WHERE rollout_id = ? AND wave IS NOT NULL ORDER BY seq LIMIT ? OFFSET ?')
      .pluck()
      .all(rolloutId, Math.round(N * share), Math.round(N * from)) as string[];
    await fleet.reportMany(
      inOrder.map((deviceId) => ({ deviceId, patch: { firmware } })),
      clock.now(),
    );
    return inOrder.length;
  };
  // Other work shares this machine: each tick figure is the median of five.
  let rolloutId = 'R1';
  const cpu: Record<string, number[]> = {};
  const tick = async (label = ''): Promise<number> => {
    clock.advance(10_000);
    const t = process.hrtime.bigint();
    const c = process.cpuUsage();
    await service.tick();
    cpu[label] ??= [];
    cpu[label].push(cpuMs(c));
    return ms(t);
  };

  // 1. Plan.
  let t = process.hrtime.bigint();
  let c = process.cpuUsage();
  const planned = await service.plan({ version: '2.4.1', filter: {}, filterText: '', waves: [100], actor: { name: 'bench' } });
  const planMs = ms(t);
  line(`plan ${fmt(planned.targets)} targets (CPU ${fmt(cpuMs(c))} ms)`, `${fmt(planMs)} ms`, '< 2,000 ms', planMs < 2000);

  // 2. Dispatch: one tick writes every device (the budget allows it), batch by batch.
  await service.actions.start(planned.rollout.id, undefined, { name: 'bench' });
  t = process.hrtime.bigint();
  c = process.cpuUsage();
  await service.tick();
  const dispatchMs = ms(t);
  const dispatchCpu = cpuMs(c);
  const view = async () => (await service.view(planned.rollout.id))!.waves[0]!.counts;
  const written = (await view()).inProgress;
  const rate = (written / dispatchMs) * 1000;
  line(`dispatch ${fmt(written)} desired writes (${fmt(dispatchMs)} ms, CPU ${fmt(dispatchCpu)} ms)`, `${fmt(rate)} /s`, '≥ 5,000 devices/s', rate >= 5000);

  // 3. Ticks with every device in flight.
  const firstMs = await tick(); // reads the rollout's devices once after the writes
  line(`tick, ${fmt(N)} in flight, first read after the writes`, `${fmt(firstMs)} ms`, undefined, undefined);
  const tenths: number[] = [];
  let someReported = 0;
  for (let round = 0; round < 5; round++) {
    someReported = await report(0.1, { fwUpdateStatus: 'downloading', pendingFwVersion: '2.4.1' }, round / 10);
    tenths.push(await tick('tenth'));
  }
  const quiet: number[] = [];
  for (let round = 0; round < 5; round++) quiet.push(await tick('quiet'));
  await report(1, { fwUpdateStatus: 'verifying' });
  const allMs = await tick('all');
  if ((await view()).inProgress !== N) throw new Error(`expected ${N} in flight, found ${(await view()).inProgress}`);
  const tenthMs = median(tenths);
  const quietMs = median(quiet);
  line(
    `tick, ${fmt(N)} in flight, ${fmt(someReported)} report a new phase (10 %) (CPU ${fmt(median(cpu.tenth!))} ms)`,
    `${fmt(tenthMs)} ms`,
    '< 250 ms',
    tenthMs < 250,
  );
  // Shown apart because the median hides it: the first such tick of the process runs cold (JIT, page cache).
  line(`  of which the first, cold (CPU ${fmt(cpu.tenth![0]!)} ms)`, `${fmt(tenths[0]!)} ms`, undefined, undefined);
  line(`tick, ${fmt(N)} in flight, none reports anything (CPU ${fmt(median(cpu.quiet!))} ms)`, `${fmt(quietMs)} ms`, '< 250 ms', quietMs < 250);
  line(`tick, ${fmt(N)} in flight, all report a new phase, worst case (CPU ${fmt(cpu.all![0]!)} ms)`, `${fmt(allMs)} ms`, undefined, undefined);

  // The soak: every device reports the new version, then the soak time passes for all at once.
  await report(1, { currentFwVersion: '2.4.1', fwUpdateStatus: 'current', pendingFwVersion: null });
  await tick();
  if ((await view()).inProgress !== N) throw new Error('devices left flight before their soak');
  clock.advance(5 * 60_000);
  const soakMs = await tick('soak');
  const after = await view();
  line(`tick, ${fmt(N)} soaking, the soak ends for all at once (CPU ${fmt(cpu.soak![0]!)} ms)`, `${fmt(soakMs)} ms`, undefined, undefined);
  if (after.succeeded !== N) throw new Error(`expected ${N} succeeded, found ${after.succeeded}`);

  // After a restart the engine has no cursor: its first tick reads every device of the rollout.
  const restarted = new RolloutService({
    repo: sqliteRolloutRepository(db),
    unitOfWork: new SqliteUnitOfWork(db),
    fleet,
    catalog,
    clock,
    defaults: { dispatchPerSecond: 1_000_000 },
    engine: { batchSize: 5000 },
  });
  const plan2 = await restarted.plan({ version: '2.5.0', filter: {}, filterText: '', waves: [100], actor: { name: 'bench' } });
  await restarted.actions.start(plan2.rollout.id, undefined, { name: 'bench' });
  rolloutId = plan2.rollout.id;
  await restarted.tick();
  await report(1, { fwUpdateStatus: 'downloading', pendingFwVersion: '2.5.0' });
  const again = new RolloutService({
    repo: sqliteRolloutRepository(db),
    unitOfWork: new SqliteUnitOfWork(db),
    fleet,
    catalog,
    clock,
    engine: { batchSize: 5000 },
  });
  clock.advance(10_000);
  t = process.hrtime.bigint();
  await again.tick();
  if ((await again.view(rolloutId))!.waves[0]!.counts.inProgress !== N) throw new Error('the restarted rollout does not hold every device');
  line(`first tick after a restart (reads and moves all ${fmt(N)})`, `${fmt(ms(t))} ms`, undefined, undefined);

  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
