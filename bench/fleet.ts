/**
 * `npm run bench:fleet`: the local fleet registry with 100,000 simulated devices.
 * Prints `status` handled in-process (p50/p99), the `fleet` summary and the first page
 * of `devices offline` (p50), RSS with the fleet simulated, and the simulator's CPU at
 * the default heartbeat rate, each beside its target.
 *
 * BENCH_DEVICES (default 100000), BENCH_SIM_SECONDS (simulated seconds for the CPU
 * figure, default 120).
 */
import { bindCommand } from '../bot/features/feature';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../backends/store/sqlite/database';
import { FLEET_MIGRATIONS } from '../backends/fleet/local/migrations';
import { LocalFleetRegistry } from '../backends/fleet/local/local-registry';
import { ALL_MIGRATIONS } from '../backends/store/sqlite/migrations';
import { sqliteConversationRepository } from '../backends/store/sqlite/conversations';
import { sqliteSubscriptionRepository } from '../backends/store/sqlite/subscriptions';
import { AccessPolicy } from '../core/access/policy';
import { readConfig } from '../core/config/config';
import { ManualClock } from '../core/clock';
import { silentLogger } from '../core/logger';
import { CommandRegistry } from '../commands/registry';
import { dispatchMessage } from '../commands/dispatch';
import type { TurnContext } from '../commands/context';
import type { Services } from '../commands/services';
import { statusCommand } from '../commands/status';
import { devicesCommand } from '../commands/devices';
import { fleetCommand } from '../commands/fleet';
import { FleetSimulator } from '../sim/simulator';
import { percentile, printTable, type Figure } from './report';

const DEVICES = Number(process.env.BENCH_DEVICES ?? 100_000);
const SIM_SECONDS = Number(process.env.BENCH_SIM_SECONDS ?? 120);

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-fleet-'));
  // The bot's pragmas (WAL, synchronous=FULL), on a real file.
  const db = openDatabase(path.join(dir, 'fleetops.sqlite'), FLEET_MIGRATIONS);
  const registry = new LocalFleetRegistry(db);
  const clock = new ManualClock(new Date());
  const sim = new FleetSimulator({ deviceSide: registry, clock, devices: DEVICES, seed: 42, isBadVersion: (v) => v === '2.5.0' });

  const provisionMs = await time(() => sim.start());
  console.log(`provisioned ${DEVICES.toLocaleString('en-US')} devices in ${(provisionMs / 1000).toFixed(1)} s`);

  // Simulator CPU: ticks of 1 s at the default heartbeat rate (30 s), with a rollout wave
  // in flight so firmware reports are part of the load. CPU time over simulated time.
  await registry.updateDesired(
    Array.from({ length: Math.round(DEVICES * 0.01) }, (_, i) => `device-${i * 100 + 1}`),
    { firmware: { fwVersion: '2.4.1', rolloutId: 'BENCH', waveId: '1' } },
  );
  const cpuBefore = process.cpuUsage();
  const tickMs: number[] = [];
  for (let s = 0; s < SIM_SECONDS; s++) {
    clock.advance(1000);
    tickMs.push(await time(() => sim.tick()));
  }
  const cpu = process.cpuUsage(cpuBefore);
  const simCpuPercent = ((cpu.user + cpu.system) / 1000 / (SIM_SECONDS * 1000)) * 100;
  console.log(
    `simulator: ${sim.stats.heartbeats.toLocaleString('en-US')} heartbeats, ${sim.stats.reports.toLocaleString('en-US')} reports in ${SIM_SECONDS} s; tick p50 ${percentile(tickMs, 50).toFixed(1)} ms, p99 ${percentile(tickMs, 99).toFixed(1)} ms`,
  );

  const deviceServices = { fleet: registry, clock };
  const commands = new CommandRegistry([
    bindCommand(statusCommand, deviceServices),
    bindCommand(devicesCommand, deviceServices),
    bindCommand(fleetCommand, deviceServices),
  ]);
  const config = readConfig({ FLEET_BACKEND: 'local' });
  const chatDb = openDatabase(':memory:', ALL_MIGRATIONS);
  const services: Services = {
    config,
    clock,
    access: new AccessPolicy(config.roles),
    registry: commands,
    conversations: sqliteConversationRepository(chatDb),
    subscriptions: sqliteSubscriptionRepository(chatDb),
    notifier: { post: async () => undefined },
    audit: { record: async () => undefined, latest: async () => [] },
    delivery: { pendingCount: async () => 0, deadLetters: async () => [] },
    selfUrl: 'http://127.0.0.1:3978',
  };
  let replies = 0;
  let lastReply: unknown;
  const ctx: TurnContext = {
    activityId: 'bench',
    actor: { id: 'u', name: 'Bench', role: 'viewer' },
    conversation: { conversationId: 'c', serviceUrl: 'http://x', channelId: 'msteams' } as TurnContext['conversation'],
    services,
    log: silentLogger,
    reply: async (message) => {
      replies++;
      lastReply = message;
      return 'r';
    },
    typing: async () => undefined,
  };

  const statusMs: number[] = [];
  let seed = 7;
  for (let i = 0; i < 3000; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const id = `device-${(seed % DEVICES) + 1}`;
    const ms = await time(() => dispatchMessage(ctx, `status ${id}`));
    if (i >= 200) statusMs.push(ms); // after warm-up
    if (i % 100 === 0) {
      clock.advance(1000);
      await sim.tick(); // the world keeps moving between questions
    }
  }
  if (typeof lastReply !== 'object') throw new Error(`status did not answer with a card: ${String(lastReply)}`);
  const fleetMs: number[] = [];
  for (let i = 0; i < 25; i++) {
    const ms = await time(() => dispatchMessage(ctx, 'fleet'));
    if (i >= 3) fleetMs.push(ms);
  }
  const offlineMs: number[] = [];
  for (let i = 0; i < 60; i++) {
    const ms = await time(() => dispatchMessage(ctx, 'devices offline'));
    if (i >= 5) offlineMs.push(ms);
  }
  const rss = process.memoryUsage().rss;
  const offline = await registry.countDevices({ connection: 'Disconnected' });

  const figures: Figure[] = [
    { figure: '`status` in-process p50', value: `${percentile(statusMs, 50).toFixed(2)} ms`, target: '', ok: true },
    { figure: '`status` in-process p99', value: `${percentile(statusMs, 99).toFixed(2)} ms`, target: '< 25 ms', ok: percentile(statusMs, 99) < 25 },
    { figure: '`fleet` summary p50', value: `${percentile(fleetMs, 50).toFixed(1)} ms`, target: '< 200 ms', ok: percentile(fleetMs, 50) < 200 },
    {
      figure: `\`devices offline\` first page p50 (${offline} offline)`,
      value: `${percentile(offlineMs, 50).toFixed(1)} ms`,
      target: '< 100 ms',
      ok: percentile(offlineMs, 50) < 100,
    },
    {
      figure: `RSS with ${DEVICES.toLocaleString('en-US')} devices simulated`,
      value: `${(rss / 2 ** 20).toFixed(0)} MB`,
      target: '< 500 MB',
      ok: rss < 500 * 2 ** 20,
    },
    { figure: 'simulator CPU at default heartbeat rate (30 s)', value: `${simCpuPercent.toFixed(1)} %`, target: '< 25 % of a core', ok: simCpuPercent < 25 },
  ];
  printTable(`Fleet, local registry, ${DEVICES.toLocaleString('en-US')} simulated devices`, figures);
  if (replies === 0) throw new Error('no command answered');

  await sim.stop();
  db.close();
  chatDb.close();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
