/**
 * `npm run bench:replicas`: FleetOps as one or more replicas, figures side by side in one run.
 *  1. Alert ingest over HTTP (alerts/s and p99 of the 2xx, which come after the commit) for
 *     one replica on SQLite, one on PostgreSQL, two on PostgreSQL behind a round-robin front.
 *     Each replica is a real process (test/support/replica-process.ts: bot/main.ts with the
 *     fleet on an IoT Hub stand-in); a conversation is subscribed, so cards flow to a
 *     recording Bot Connector as in production.
 *  2. One rollout tick with 100,000 devices in flight, the state on PostgreSQL (the fleet is
 *     the local registry, so the figure is the engine and the store, not IoT Hub's quota).
 *  3. Failover: a replica killed while it holds outbox leases → the rows it held sent by the
 *     survivor; the replica holding the job leases killed → the survivor holds them all, and
 *     sends the first card queued after the kill.
 * `--only failover` (or `ingest`, `rollout`, comma-separated) runs some parts only.
 * PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); each
 * part makes a database of its own and drops it. BENCH_ALERTS, BENCH_SENDERS, BENCH_DEVICES
 * change the sizes. BENCH_NODE_OPTIONS is handed to the
 * replicas as NODE_OPTIONS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile them).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';
import { SEED_FIRMWARE } from '../backends/feed/local';
import { FLEET_MIGRATIONS } from '../backends/fleet/local/migrations';
import { LocalFleetRegistry } from '../backends/fleet/local/local-registry';
import { openDatabase } from '../backends/store/sqlite/database';
import { openPostgresState } from '../backends/store/postgres';
import { ManualClock } from '../core/clock';
import type { FirmwareCatalog } from '../core/ports/feed';
import { RolloutService } from '../core/rollouts/service';
import { devicePayload } from '../test/core/alerts/fixtures';
import { USERS } from '../test/support/bot-harness';
import { IotHubStandIn } from '../test/support/iothub-standin';
import { PRODUCTION_BACKENDS } from '../test/support/production-backends';
import { RecordingConnector } from '../test/support/recording-connector';
import { messageActivity, postJson, RoundRobinFront, spawnReplica, type ReplicaProcess } from '../test/support/replica-processes';
import { childPids, cpuMsOfPid, median, percentile, pidsNamed, printTable, type Figure } from './report';

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ALERTS = Number(process.env.BENCH_ALERTS ?? 4_000);
const SENDERS = Number(process.env.BENCH_SENDERS ?? 32);
const DEVICES = Number(process.env.BENCH_DEVICES ?? 100_000);
const RULES = 20;
const TOKEN = 'bench-token';
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** A database of its own on the bench's server, and how to drop it. */
async function scratchDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `fleetops_bench_${randomBytes(5).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: ADMIN_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/**
 * The bot's environment for a bench replica: the fleet on an IoT Hub stand-in, as in
 * production (readConfig refuses the simulated fleet and the DuckDB logs with DATABASE_URL;
 * the replica process loads no logs feature), no local rules, quiet logs.
 */
const replicaEnv = (hubUrl: string, databaseUrl?: string): Record<string, string> => ({
  ...PRODUCTION_BACKENDS,
  TEST_IOTHUB_URL: hubUrl,
  IOTHUB_QUERIES_PER_MIN: '100000',
  IOTHUB_TWIN_READS_PER_SEC: '10000',
  IOTHUB_TWIN_UPDATES_PER_SEC: '10000',
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  PLAYGROUND: 'off',
  ALERTS_WEBHOOK_TOKEN: TOKEN,
  OPERATORS: USERS.operator.aadObjectId,
  ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  ...(process.env.XINFLIGHT ? { XINFLIGHT: process.env.XINFLIGHT } : {}),
  ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
});

/** The IoT Hub stand-in every replica of the bench writes twins to (started once, in main). */
let hub: IotHubStandIn;

async function startReplicas(count: number, databaseUrl: string | undefined, connector: RecordingConnector): Promise<ReplicaProcess[]> {
  const replicas = await Promise.all(Array.from({ length: count }, (_, i) => spawnReplica(`bench-${i}`, replicaEnv(hub.url, databaseUrl))));
  // One subscribed channel: every alert is routed and carded, as in production.
  const before = connector.messages.length;
  await postJson(`${replicas[0]!.url}/api/messages`, messageActivity(`${connector.url}/amer/`, 'channel', USERS.operator, 'subscribe alerts'));
  await connector.waitFor(() => connector.messages.length > before);
  return replicas;
}

/**
 * Waits (at most 30 s) until the replicas and their children are nearly idle: each starts
 * the KQL language service in a child process, seconds of CPU that would otherwise land
 * in the measured window on a small machine and be counted as ingest.
 */
async function settled(replicas: readonly ReplicaProcess[]): Promise<void> {
  const cpu = () => replicas.flatMap((r) => (r.child.pid ? [r.child.pid, ...childPids(r.child.pid)] : [])).reduce((sum, pid) => sum + cpuMsOfPid(pid), 0);
  const deadline = Date.now() + 30_000;
  let before = cpu();
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = cpu();
    if (now - before < 50) return; // under a tenth of a core over the last half second
    before = now;
  }
}

/** ALERTS alerts of RULES rules from SENDERS concurrent senders through a round-robin front: alerts/s and p99 of the 2xx. */
async function ingest(label: string, count: number, databaseUrl: string | undefined): Promise<{ figures: Figure[] }> {
  const connector = await new RecordingConnector().start();
  const replicas = await startReplicas(count, databaseUrl, connector);
  // Round robin over kept-alive connections (node:http, not fetch: the load generator shares the cores it measures).
  const agent = new http.Agent({ keepAlive: true, maxSockets: SENDERS });
  let turn = 0;
  const postAlert = (body: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const url = new URL(`${replicas[turn++ % replicas.length]!.url}/api/alerts?token=${TOKEN}`);
      const request = http.request(
        url,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  const latencies: number[] = [];
  const problems = new Set<string>();
  let failed = 0;
  let next = 0;
  const post = async (i: number, run: string) => {
    const payload = devicePayload({
      alertId: `/subscriptions/s/providers/Microsoft.AlertsManagement/alerts/${run}-${i}`,
      rule: `Rule ${String(i % RULES).padStart(2, '0')}`,
      deviceId: `device-${i % 500}`,
      severity: i % 4,
      firedAt: new Date().toISOString(),
    });
    const t = performance.now();
    try {
      const { status, text } = await postAlert(JSON.stringify(payload));
      if (status >= 200 && status < 300) latencies.push(performance.now() - t);
      else {
        failed++;
        problems.add(`HTTP ${status} ${text.slice(0, 120)}`);
      }
    } catch (error) {
      failed++;
      problems.add(error instanceof Error ? error.message.slice(0, 200) : String(error));
    }
  };
  await settled(replicas);
  // Warm-up (JIT, pools, prepared statements), not measured.
  for (let i = 0; i < 200; i++) await post(i, 'warm');
  latencies.length = 0;
  // CPU of the replicas (and their children) and of every PostgreSQL process: the cost per alert, which a busy machine does not change as much as the rate.
  const botPids = replicas.flatMap((r) => (r.child.pid ? [r.child.pid, ...childPids(r.child.pid)] : []));
  const pgPids = databaseUrl ? pidsNamed('postgres') : [];
  const cpu = (pids: readonly number[]) => pids.reduce((sum, pid) => sum + cpuMsOfPid(pid), 0);
  const botCpuBefore = cpu(botPids);
  // The bench's own process (senders, connector and IoT Hub stand-ins) shares the machine's cores too.
  const benchCpuBefore = process.cpuUsage();
  const pgCpuBefore = cpu(pgPids);
  const started = performance.now();
  const sender = async () => {
    while (next < ALERTS) await post(next++, 'run');
  };
  await Promise.all(Array.from({ length: SENDERS }, sender));
  const seconds = (performance.now() - started) / 1000;
  const botCpuPerAlert = (cpu(botPids) - botCpuBefore) / ALERTS;
  const pgCpuPerAlert = (cpu(pgPids) - pgCpuBefore) / ALERTS;
  const benchCpu = process.cpuUsage(benchCpuBefore);
  const benchCpuPerAlert = (benchCpu.user + benchCpu.system) / 1000 / ALERTS;
  agent.destroy();
  await Promise.all(replicas.map((r) => r.stop()));
  await connector.stop();
  if (problems.size > 0) console.log(`  ${label}: ${failed} alerts not answered 2xx: ${[...problems].slice(0, 3).join('; ')}`);
  const rate = latencies.length / seconds;
  const p99 = percentile(latencies, 99);
  const two = count === 2 && databaseUrl !== undefined;
  return {
    figures: [
      {
        figure: `ingest, ${label}: alerts/s (${fmt(ALERTS)} alerts, ${SENDERS} senders${failed ? `, ${failed} not 2xx` : ''})`,
        value: fmt(rate),
        target: two ? '≥ 1,000' : '',
        ok: rate >= 1000,
      },
      { figure: `ingest, ${label}: p99 of the 2xx`, value: `${fmt(p99)} ms`, target: two ? '< 100 ms' : '', ok: p99 < 100 },
      {
        figure: `ingest, ${label}: CPU per alert, bot${databaseUrl ? ' + PostgreSQL' : ''}`,
        value: `${botCpuPerAlert.toFixed(2)}${databaseUrl ? ` + ${pgCpuPerAlert.toFixed(2)}` : ''} ms`,
        target: '',
        ok: true,
      },
      { figure: `ingest, ${label}: CPU per alert, the bench (senders and stand-ins)`, value: `${benchCpuPerAlert.toFixed(2)} ms`, target: '', ok: true },
    ],
  };
}

/** One engine tick with DEVICES in flight, the rollout state on PostgreSQL (median of five, a tenth reporting a new phase each time). */
async function rolloutTick(): Promise<Figure[]> {
  const scratch = await scratchDatabase();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-replicas-'));
  const state = await openPostgresState({ url: scratch.url, entraAuth: false, poolMax: 10, statementTimeoutMs: 60_000 });
  try {
    const fleetDb = openDatabase(path.join(dir, 'fleet.sqlite'), FLEET_MIGRATIONS);
    const fleet = new LocalFleetRegistry(fleetDb);
    const clock = new ManualClock(new Date('2026-03-01T09:00:00Z'));
    const ids = Array.from({ length: DEVICES }, (_, i) => `device-${i + 1}`);
    await fleet.provision(
      ids.map((deviceId, i) => ({
        deviceId,
        tags: { site: ['berlin', 'paris', 'austin'][i % 3], ring: 'broad', model: 'sensor-s1' },
        reported: { firmware: { currentFwVersion: '2.4.0', fwUpdateStatus: 'current' } },
      })),
      clock.now(),
    );
    await fleet.setConnectionMany(
      ids.map((deviceId) => ({ deviceId, state: 'Connected' as const })),
      clock.now(),
    );
    const catalog: FirmwareCatalog = { list: async () => [...SEED_FIRMWARE], get: async (v) => SEED_FIRMWARE.find((f) => f.version === v) };
    const service = new RolloutService({
      repo: state.rollouts,
      unitOfWork: state.unitOfWork,
      fleet,
      catalog,
      clock,
      defaults: { dispatchPerSecond: 1_000_000, soakMs: 5 * 60_000 },
      engine: { batchSize: 5000, maxBudgetSeconds: 10 },
    });
    const planned = await service.plan({ version: '2.4.1', filter: {}, filterText: '', waves: [100], actor: { name: 'bench' } });
    await service.actions.start(planned.rollout.id, undefined, { name: 'bench' });
    await service.tick(); // dispatch: every device written, now in flight
    clock.advance(10_000);
    await service.tick(); // the first read after the writes
    const ticks: number[] = [];
    const cpus: number[] = [];
    for (let round = 0; round < 5; round++) {
      const slice = ids.slice((round * DEVICES) / 10, ((round + 1) * DEVICES) / 10);
      await fleet.reportMany(
        slice.map((deviceId) => ({ deviceId, patch: { firmware: { fwUpdateStatus: 'downloading', pendingFwVersion: '2.4.1' } } })),
        clock.now(),
      );
      clock.advance(10_000);
      const pgPids = pidsNamed('postgres');
      const pgBefore = pgPids.reduce((sum, pid) => sum + cpuMsOfPid(pid), 0);
      const own = process.cpuUsage();
      const t = performance.now();
      await service.tick();
      ticks.push(performance.now() - t);
      const ownUsed = process.cpuUsage(own);
      cpus.push((ownUsed.user + ownUsed.system) / 1000 + pgPids.reduce((sum, pid) => sum + cpuMsOfPid(pid), 0) - pgBefore);
    }
    const inFlight = (await service.view(planned.rollout.id))!.waves[0]!.counts.inProgress;
    if (inFlight !== DEVICES) throw new Error(`expected ${DEVICES} in flight, found ${inFlight}`);
    const tick = median(ticks);
    fleetDb.close();
    return [
      {
        figure: `rollout tick on PostgreSQL, ${fmt(DEVICES)} in flight, 10 % report (median of 5)`,
        value: `${fmt(tick)} ms`,
        target: '< 500 ms',
        ok: tick < 500,
      },
      { figure: '  its CPU, the bench process + PostgreSQL (median)', value: `${fmt(median(cpus))} ms`, target: '', ok: true },
    ];
  } finally {
    await state.close();
    await scratch.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Failover, outbox: two replicas, a slow Bot Connector (each send takes 3 s), 20 cards queued;
 * one replica is killed while both are sending. The rows it held are sent by the survivor
 * when their lease runs out.
 */
async function outboxFailover(): Promise<Figure[]> {
  const scratch = await scratchDatabase();
  const connector = await new RecordingConnector().start();
  const replicas = await startReplicas(2, scratch.url, connector);
  const db = new Pool({ connectionString: scratch.url, max: 2 });
  try {
    connector.failNext({ delayMs: 3_000 }, 1_000);
    const front = new RoundRobinFront(replicas);
    for (let i = 0; i < RULES; i++) {
      await front.post(
        `/api/alerts?token=${TOKEN}`,
        devicePayload({ alertId: `/subscriptions/s/providers/Microsoft.AlertsManagement/alerts/failover-${i}`, rule: `Rule ${i}`, deviceId: `device-${i}` }),
      );
    }
    const leased = async () =>
      (await db.query<{ id: string }>("SELECT id FROM outbox WHERE state = 'pending' AND lease_until > $1", [Date.now()])).rows.map((r) => r.id);
    const deadline = Date.now() + 10_000;
    while ((await leased()).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const held = await leased();
    const killedAt = Date.now();
    replicas[0]!.kill9();
    connector.clearFaults();
    let firstSent: number | undefined;
    let allSent: number | undefined;
    while (allSent === undefined && Date.now() - killedAt < 90_000) {
      const left = Number((await db.query<{ n: string }>("SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending' AND id = ANY($1)", [held])).rows[0]!.n);
      if (left < held.length) firstSent ??= Date.now();
      if (left === 0) allSent = Date.now();
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const all = allSent === undefined ? Number.POSITIVE_INFINITY : (allSent - killedAt) / 1000;
    return [
      {
        figure: `failover, outbox: kill → every row leased at the kill (${held.length}) sent by the survivor`,
        value: Number.isFinite(all) ? `${all.toFixed(1)} s` : '> 90 s',
        target: '< 20 s',
        ok: all < 20,
      },
      { figure: '  of which the first sent', value: firstSent ? `${((firstSent - killedAt) / 1000).toFixed(1)} s` : '—', target: '', ok: true },
    ];
  } finally {
    await Promise.all(replicas.map((r) => r.stop()));
    await db.end();
    await connector.stop();
    await scratch.drop();
  }
}

/** The lease table: who runs each 'on-one-replica' job, until when (epoch ms). */
async function jobLeases(db: Pool): Promise<Array<{ name: string; holder: string; expiresAt: number }>> {
  const { rows } = await db.query<{ name: string; holder: string; expires_at: string }>('SELECT name, holder, expires_at FROM job_leases ORDER BY name');
  return rows.map((r) => ({ name: r.name, holder: r.holder, expiresAt: Number(r.expires_at) }));
}

/** A lease's holder is `host:pid:random` (bot/server.ts): the pid says which replica holds it. */
const pidOfHolder = (holder: string): number => Number(holder.split(':').at(-2));

/**
 * Failover, scheduled work: two replicas; the one holding the most job leases (rollout tick,
 * storm flush, send-log pruning) is killed with SIGKILL. Measured from the kill: until the
 * survivor holds every lease the dead one held (read from job_leases, as the scheduler's
 * store sees it), and until the first card queued after the kill (an alert posted through
 * the front at the kill) reaches the Bot Connector, sent by the survivor.
 */
async function schedulerFailover(): Promise<Figure[]> {
  const scratch = await scratchDatabase();
  const connector = await new RecordingConnector().start();
  const replicas = await startReplicas(2, scratch.url, connector);
  const db = new Pool({ connectionString: scratch.url, max: 2 });
  const seconds = (ms: number | undefined) => (ms === undefined ? '> 60 s' : `${(ms / 1000).toFixed(1)} s`);
  try {
    // Both replicas have started their schedulers: every job has a live lease.
    const expected = ['alert-storm-flush', 'rollout-tick'];
    const settle = Date.now() + 30_000;
    while (Date.now() < settle) {
      const live = (await jobLeases(db)).filter((l) => l.expiresAt > Date.now()).map((l) => l.name);
      if (expected.every((name) => live.includes(name))) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const before = (await jobLeases(db)).filter((l) => l.expiresAt > Date.now());
    const heldBy = (replica: ReplicaProcess) => before.filter((l) => pidOfHolder(l.holder) === replica.child.pid).map((l) => l.name);
    const [victim, survivor] = heldBy(replicas[0]!).length >= heldBy(replicas[1]!).length ? [replicas[0]!, replicas[1]!] : [replicas[1]!, replicas[0]!];
    const held = heldBy(victim);
    if (held.length === 0) throw new Error(`no replica holds a job lease: ${JSON.stringify(before)}`);

    const killedAt = Date.now();
    victim.kill9();
    const front = new RoundRobinFront(replicas);
    const marker = 'failover-after-kill';
    const posted = front.post(
      `/api/alerts?token=${TOKEN}`,
      devicePayload({ alertId: `/subscriptions/s/providers/Microsoft.AlertsManagement/alerts/${marker}`, rule: `Rule ${marker}`, deviceId: 'device-7' }),
    );

    let takenOver: number | undefined;
    let cardSent: number | undefined;
    while ((takenOver === undefined || cardSent === undefined) && Date.now() - killedAt < 60_000) {
      if (takenOver === undefined) {
        const now = Date.now();
        const leases = await jobLeases(db);
        const survivorHolds = (name: string) => leases.some((l) => l.name === name && pidOfHolder(l.holder) === survivor.child.pid && l.expiresAt > now);
        if (held.every(survivorHolds)) takenOver = now - killedAt;
      }
      if (cardSent === undefined) {
        const card = connector.activities.find((a) => a.at >= killedAt && JSON.stringify(a.activity).includes(marker));
        if (card) cardSent = card.at - killedAt;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const { response } = await posted;
    if (!response.ok) console.log(`  failover: the alert posted at the kill was answered ${response.status}`);
    return [
      {
        figure: `failover, job leases: kill → the survivor holds all ${held.length} the dead one held (${held.join(', ')})`,
        value: seconds(takenOver),
        target: '< 15 s',
        ok: takenOver !== undefined && takenOver < 15_000,
      },
      {
        figure: '  first card queued after the kill → sent by the survivor',
        value: seconds(cardSent),
        target: '< 20 s',
        ok: cardSent !== undefined && cardSent < 20_000,
      },
    ];
  } finally {
    await Promise.all(replicas.map((r) => r.stop()));
    await db.end();
    await connector.stop();
    await scratch.drop();
  }
}

/** The parts of the bench; `--only failover` (or ingest, rollout) runs some of them. */
const PARTS = ['ingest', 'rollout', 'failover'] as const;
type Part = (typeof PARTS)[number];

function partsToRun(argv: readonly string[]): ReadonlySet<Part> {
  const at = argv.indexOf('--only');
  if (at === -1) return new Set(PARTS);
  const asked = (argv[at + 1] ?? '').split(',').filter(Boolean);
  const unknown = asked.filter((p) => !PARTS.includes(p as Part));
  if (asked.length === 0 || unknown.length > 0)
    throw new Error(`--only takes one or more of ${PARTS.join(', ')} (comma-separated); got ${JSON.stringify(argv[at + 1])}`);
  return new Set(PARTS.filter((p) => asked.includes(p)));
}

async function main(): Promise<void> {
  const parts = partsToRun(process.argv.slice(2));
  console.log(`replicas bench: ${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(1)} at the start; PostgreSQL at ${new URL(ADMIN_URL).host}`);
  hub = await new IotHubStandIn().start();
  hub.seed(500, '2.4.0');
  const figures: Figure[] = [];
  try {
    if (parts.has('ingest')) {
      figures.push(...(await ingest('1 replica, SQLite', 1, undefined)).figures);
      for (const count of [1, 2]) {
        const scratch = await scratchDatabase();
        try {
          figures.push(...(await ingest(`${count} replica${count > 1 ? 's' : ''}, PostgreSQL`, count, scratch.url)).figures);
        } finally {
          await scratch.drop();
        }
      }
    }
    if (parts.has('rollout')) figures.push(...(await rolloutTick()));
    if (parts.has('failover')) {
      figures.push(...(await outboxFailover()));
      figures.push(...(await schedulerFailover()));
    }
  } finally {
    await hub.stop();
  }
  printTable(`FleetOps replicas (load ${os.loadavg()[0]!.toFixed(1)} at the end)`, figures);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
