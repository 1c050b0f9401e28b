/**
 * `npm run bench:kill-storm -- [--kills N] [--repo DIR] [--node PATH] [--bundle]`: how often a kill -9 in
 * the middle of an alert storm sends a card twice (issue 17, item 5), and whether it loses an
 * acknowledged alert.
 *
 * Each kill repeats test/integration/alerts-crash.test.ts's scenario: the bot child
 * (test/integration/support/alerts-bot-child.ts of --repo, started with `node --import tsx`)
 * on a fresh DATA_DIR, subscribed to one conversation whose serviceUrl is a recording Bot
 * Connector; a storm of Azure Monitor common-schema alerts from parallel senders; SIGKILL after
 * the --kill-at'th answer; a restart on the same DATA_DIR; wait until the outbox is drained.
 * Then, for that conversation:
 *  - duplicate creates: POSTs to /v3/conversations/{id}/activities beyond one per card key
 *    (the bot can only post a card again when a crash lost its record of the first post);
 *  - orphan creates: created activities the bot has no record of (the stale duplicate cards
 *    left in the channel, never updated again); equal to the duplicates when nothing else is wrong;
 *  - lost alerts: acknowledged 2xx but not stored, not delivered to the conversation, or on a
 *    card key that was never posted.
 * Cheap cycles: one connector stand-in serves every kill (its recordings cleared between kills);
 * each kill's DATA_DIR is a copy of one seeded at the start (migrated, conversation subscribed),
 * so no kill pays for the migrations again; --bundle compiles the child once (see childCommand).
 * SIGINT or SIGTERM stops after the kill under way and prints the figures so far.
 *
 * --repo DIR runs another checkout's child (e.g. a worktree of an older commit); --node PATH the
 * Node that child needs (an older checkout on better-sqlite3 needs the Node it was built for).
 * The database is read here with node:sqlite, read-only; the file format is SQLite's either way.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NodeSqlite } from '../backends/store/sqlite/driver';
import { devicePayload } from '../test/core/alerts/fixtures';
import { RecordingConnector } from '../test/support/recording-connector';
import { startAlertsBot, type AlertsBotProcess } from '../test/integration/support/alerts-bot-process';
import { median, percentile, printTable } from './report';

const TOKEN = 'kill-storm-token';
const RULES = ['Device offline', 'Temperature high', 'Error log lines high'];

interface Options {
  readonly kills: number;
  readonly repo: string;
  readonly node: string;
  readonly alerts: number;
  readonly killAt: number;
  readonly senders: number;
  readonly drainTimeoutMs: number;
  readonly bundle: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const values = new Map<string, string>();
  let bundle = false;
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i]!;
    if (name === '--bundle') {
      bundle = true;
      continue;
    }
    if (!name.startsWith('--')) throw new Error(`unexpected argument ${name}`);
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${name} needs a value`);
    values.set(name.slice(2), value);
    i++;
  }
  const known = ['kills', 'repo', 'node', 'alerts', 'kill-at', 'senders', 'drain-timeout-s']; // and --bundle
  for (const name of values.keys()) if (!known.includes(name)) throw new Error(`unknown option --${name} (known: ${known.map((k) => `--${k}`).join(', ')})`);
  const number = (name: string, fallback: number) => {
    const n = Number(values.get(name) ?? fallback);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer`);
    return n;
  };
  const options = {
    kills: number('kills', 50),
    repo: path.resolve(values.get('repo') ?? path.join(__dirname, '..')),
    node: values.get('node') ?? process.execPath,
    alerts: number('alerts', 400),
    killAt: number('kill-at', 150),
    senders: number('senders', 8),
    drainTimeoutMs: number('drain-timeout-s', 60) * 1000,
    bundle,
  };
  if (options.killAt >= options.alerts) throw new Error('--kill-at must be below --alerts');
  return options;
}

type Child = AlertsBotProcess;

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

const CHILD = 'test/integration/support/alerts-bot-child.ts';

/** How the child is started: `node --import tsx child.ts`, or `node child.cjs` when bundled. */
interface ChildCommand {
  readonly args: readonly string[];
  readonly env: Record<string, string>;
}

/**
 * With --bundle, the checkout's child and its own sources (not its packages) compiled once into
 * one CommonJS file by the checkout's esbuild (the compiler tsx uses): the same code, started with
 * half the CPU, since tsx no longer resolves and loads some hundreds of files at every start.
 */
function childCommand(options: Options, workDir: string): ChildCommand {
  if (!options.bundle) return { args: ['--import', 'tsx', path.join(options.repo, CHILD)], env: {} };
  const outfile = path.join(workDir, 'alerts-bot-child.cjs');
  execFileSync(
    path.join(options.repo, 'node_modules/.bin/esbuild'),
    [CHILD, '--bundle', '--platform=node', '--format=cjs', '--packages=external', `--outfile=${outfile}`, '--log-level=warning'],
    { cwd: options.repo, stdio: 'inherit' },
  );
  return { args: [outfile], env: { NODE_PATH: path.join(options.repo, 'node_modules') } };
}

function startChild(options: Options, command: ChildCommand, dataDir: string, connectorUrl: string, seedConversation?: string): Promise<Child> {
  return startAlertsBot({
    node: options.node,
    args: command.args,
    cwd: options.repo, // `--import tsx` resolves from here: the checkout's own tsx
    env: command.env,
    dataDir,
    connectorUrl,
    token: TOKEN,
    seedConversation,
    spawned: (child) => {
      live.add(child);
      child.once('exit', () => live.delete(child));
    },
  });
}

/** Posts alerts from parallel senders and kills the child after the killAt'th answer; the ids answered 2xx. */
async function stormAndKill(options: Options, child: Child, cycle: number, firedAt: string): Promise<{ acknowledged: Set<string>; killedAt: number }> {
  const acknowledged = new Set<string>();
  let killed = false;
  let killedAt = 0;
  let next = 0;
  const sender = async () => {
    while (next < options.alerts && !killed) {
      const i = next++;
      const alertId = `kill-${cycle}-${i}`;
      try {
        const res = await fetch(`${child.url}/api/alerts?token=${TOKEN}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(devicePayload({ alertId, rule: RULES[i % RULES.length], deviceId: `device-${i}`, site: 'berlin', firedAt })),
        });
        await res.arrayBuffer();
        if (res.ok) acknowledged.add(alertId);
      } catch {
        // the process died mid-request: not acknowledged, Azure would retry
      }
      if (i === options.killAt) {
        killed = true;
        killedAt = Date.now();
        child.process.kill('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: options.senders }, sender));
  if (!killed) {
    killedAt = Date.now();
    child.process.kill('SIGKILL'); // every request failed before killAt (should not happen)
  }
  await child.exited;
  return { acknowledged, killedAt };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function count(db: NodeSqlite, sql: string, ...params: string[]): number {
  return Number(
    db
      .prepare(sql)
      .pluck()
      .get(...params),
  );
}

/** Waits until nothing is pending (outbox rows, storm cards marked for rendering) and the connector has been quiet a moment. */
async function drained(db: NodeSqlite, connector: RecordingConnector, conversationId: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const hasDirty = count(db, `SELECT COUNT(*) FROM pragma_table_info('alert_storms') WHERE name = 'dirty'`) > 0;
  const lastActivityAt = () => connector.activities.filter((a) => a.conversationId === conversationId).reduce((t, a) => Math.max(t, a.at), 0);
  while (Date.now() < deadline) {
    const pending = count(db, `SELECT COUNT(*) FROM outbox WHERE state = 'pending'`);
    const dirty = hasDirty ? count(db, 'SELECT COUNT(*) FROM alert_storms WHERE dirty = 1') : 0;
    if (pending === 0 && dirty === 0 && Date.now() - lastActivityAt() > 300) return true;
    await sleep(100);
  }
  return false;
}

interface KillResult {
  readonly acknowledged: number;
  readonly cards: number;
  readonly creates: number;
  readonly duplicates: number;
  readonly orphans: number;
  readonly lost: number;
  readonly dead: number;
  readonly drained: boolean;
  readonly seconds: number;
  /** Seconds of each phase: first start, storm until the kill, restart, drain. */
  readonly phases: readonly number[];
  /** For each create the bot recorded: ms from the connector's answer to the bot's record (sent_at): the window a kill must hit. */
  readonly windowsMs: readonly number[];
  /** The sum of those windows before the kill: how long the first run was exposed. */
  readonly exposedMs: number;
  /** ms from the first child's start (READY) to the kill. */
  readonly stormMs: number;
}

const CONVERSATION = '19:kill-storm@thread.tacv2';

/**
 * A DATA_DIR as the test's first start leaves it: migrated, the conversation registered and
 * subscribed to alerts (the child's SEED_CONVERSATION). Each kill starts on a copy of it, so a
 * cycle does not pay for the migrations' fsyncs again.
 */
async function seededDataDir(options: Options, command: ChildCommand, connectorUrl: string): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetops-kill-storm-seed-'));
  const child = await startChild(options, command, dir, connectorUrl, CONVERSATION);
  child.process.kill('SIGKILL'); // the seed was awaited (durable) before READY
  await child.exited;
  return dir;
}

async function oneKill(options: Options, command: ChildCommand, connector: RecordingConnector, seed: string, cycle: number): Promise<KillResult> {
  const started = Date.now();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetops-kill-storm-'));
  fs.cpSync(seed, dataDir, { recursive: true });
  const conversationId = CONVERSATION;
  const marks = [Date.now()];
  const mark = () => marks.push(Date.now());
  try {
    const first = await startChild(options, command, dataDir, connector.url);
    mark();
    const { acknowledged, killedAt } = await stormAndKill(options, first, cycle, new Date().toISOString());
    mark();
    const second = await startChild(options, command, dataDir, connector.url);
    mark();
    const db = new NodeSqlite(path.join(dataDir, 'fleetops.sqlite'), { readOnly: true });
    try {
      const isDrained = await drained(db, connector, conversationId, options.drainTimeoutMs);
      mark();
      second.process.kill('SIGKILL');
      await second.exited;
      const stored = new Set(db.prepare('SELECT alert_id FROM alerts').pluck().all() as string[]);
      const cardOf = new Map(
        (
          db.prepare('SELECT alert_id, card_key FROM alert_deliveries WHERE conversation_id = ?').all(conversationId) as Array<{
            alert_id: string;
            card_key: string;
          }>
        ).map((r) => [r.alert_id, r.card_key]),
      );
      const sent = db.prepare('SELECT message_key, activity_id, sent_at FROM sent_messages WHERE conversation_id = ?').all(conversationId) as Array<{
        message_key: string;
        activity_id: string;
        sent_at: string;
      }>;
      const recordedAt = new Map(sent.map((r) => [r.activity_id, Date.parse(r.sent_at)]));
      const sentKeys = new Set(sent.map((r) => r.message_key));
      const recordedActivities = new Set(sent.map((r) => r.activity_id));
      const creates = connector.activities.filter((a) => a.kind === 'create' && a.conversationId === conversationId);
      let lost = 0;
      for (const id of acknowledged) {
        const key = cardOf.get(id);
        if (!stored.has(id) || key === undefined || !sentKeys.has(key)) lost++;
      }
      const dead = count(db, `SELECT COUNT(*) FROM outbox WHERE state = 'dead' AND conversation_id = ?`, conversationId);
      const windows = creates.flatMap((a) => {
        const at = recordedAt.get(a.activityId);
        return at === undefined ? [] : [{ connectorAt: a.at, windowMs: Math.max(0, at - a.at) }];
      });
      return {
        acknowledged: acknowledged.size,
        cards: sentKeys.size,
        creates: creates.length,
        duplicates: creates.length - sentKeys.size,
        orphans: creates.filter((a) => !recordedActivities.has(a.activityId)).length,
        lost,
        dead,
        drained: isDrained,
        seconds: (Date.now() - started) / 1000,
        phases: marks.slice(1).map((t, i) => (t - marks[i]!) / 1000),
        windowsMs: windows.map((w) => w.windowMs),
        exposedMs: windows.filter((w) => w.connectorAt < killedAt).reduce((sum, w) => sum + w.windowMs, 0),
        stormMs: killedAt - marks[1]!,
      };
    } finally {
      db.close();
      if (live.has(second.process)) second.process.kill('SIGKILL');
    }
  } finally {
    // One kill's recordings are no longer needed (its children are dead): the next kill starts from none.
    connector.activities.length = 0;
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** P(X ≤ k) for X ~ Poisson(λ). */
function poissonCdf(k: number, lambda: number): number {
  if (k < 0) return 0;
  let term = Math.exp(-lambda);
  let sum = term;
  for (let i = 1; i <= k; i++) {
    term *= lambda / i;
    sum += term;
  }
  return Math.min(1, sum);
}

/** The λ in [0, hi] where the decreasing function f(λ) crosses target (bisection). */
function solveDecreasing(f: (lambda: number) => number, target: number, hi: number): number {
  let lo = 0;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Exact (Garwood) 95% interval for a Poisson count. */
export function poissonInterval(count: number): [number, number] {
  const hi = count * 3 + 20;
  const lower = count === 0 ? 0 : solveDecreasing((l) => poissonCdf(count - 1, l), 0.975, hi);
  const upper = solveDecreasing((l) => poissonCdf(count, l), 0.025, hi);
  return [lower, upper];
}

/** Wilson 95% interval for a proportion. */
export function wilsonInterval(successes: number, trials: number): [number, number] {
  const z = 1.96;
  const p = successes / trials;
  const denominator = 1 + (z * z) / trials;
  const centre = (p + (z * z) / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + (z * z) / (4 * trials * trials))) / denominator;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

function commitOf(repo: string): string {
  try {
    const commit = execFileSync('git', ['-C', repo, 'log', '-1', '--format=%h %cd %s', '--date=short'], { encoding: 'utf8' }).trim();
    return commit.length > 100 ? `${commit.slice(0, 99)}…` : commit;
  } catch {
    return 'not a git checkout';
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const nodeVersion = execFileSync(options.node, ['--version'], { encoding: 'utf8' }).trim();
  console.log(`kill-storm: ${options.kills} kills of ${options.repo} (${commitOf(options.repo)}) on Node ${nodeVersion}`);
  console.log(
    `  each: up to ${options.alerts} alerts from ${options.senders} senders, kill -9 after answer ${options.killAt}, restart, drain; child ${options.bundle ? 'bundled by esbuild' : 'through --import tsx'}`,
  );
  const loadBefore = os.loadavg()[0]!;
  const connector = await new RecordingConnector().start();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetops-kill-storm-child-'));
  const command = childCommand(options, workDir);
  const seed = await seededDataDir(options, command, connector.url);
  const results: KillResult[] = [];
  // SIGINT/SIGTERM: finish the kill under way, then print what was measured.
  let stopping = false;
  const stop = () => {
    stopping = true;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    for (let cycle = 1; cycle <= options.kills && !stopping; cycle++) {
      const r = await oneKill(options, command, connector, seed, cycle);
      results.push(r);
      const flags = [
        r.duplicates > 0 ? `${r.duplicates} DUPLICATE` : '',
        r.orphans !== r.duplicates ? `${r.orphans} orphan` : '',
        r.lost > 0 ? `${r.lost} LOST` : '',
        r.drained ? '' : 'NOT DRAINED',
      ]
        .filter(Boolean)
        .join(', ');
      console.log(
        `  kill ${String(cycle).padStart(4)}: ${r.acknowledged} acknowledged, ${r.cards} cards, ${r.creates} creates, ${r.seconds.toFixed(1)} s (${r.phases.map((p) => p.toFixed(1)).join('+')}), load ${os.loadavg()[0]!.toFixed(1)}${flags ? `  ${flags}` : ''}`,
      );
    }
  } finally {
    await connector.stop();
    fs.rmSync(seed, { recursive: true, force: true });
    fs.rmSync(workDir, { recursive: true, force: true });
  }

  const kills = results.length;
  const duplicates = results.reduce((s, r) => s + r.duplicates, 0);
  const orphans = results.reduce((s, r) => s + r.orphans, 0);
  const runsWithDuplicate = results.filter((r) => r.duplicates > 0).length;
  const lost = results.reduce((s, r) => s + r.lost, 0);
  const dead = results.reduce((s, r) => s + r.dead, 0);
  const undrained = results.filter((r) => !r.drained).length;
  const [dLow, dHigh] = poissonInterval(duplicates);
  const [rLow, rHigh] = wilsonInterval(runsWithDuplicate, kills);
  const perThousand = (n: number) => ((n / kills) * 1000).toFixed(0);
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const seconds = results.map((r) => r.seconds);
  const windows = results.flatMap((r) => r.windowsMs);
  const exposed = results.reduce((sum, r) => sum + r.exposedMs, 0);
  const storm = results.reduce((sum, r) => sum + r.stormMs, 0);
  printTable(`kill -9 in an alert storm, ${kills} kills (${commitOf(options.repo)}; child on Node ${nodeVersion})`, [
    { figure: 'kills done', value: String(kills), target: '', ok: true },
    { figure: 'duplicate creates', value: String(duplicates), target: 'as low as possible', ok: true },
    { figure: '  of which stale (orphan) cards', value: String(orphans), target: '', ok: true },
    {
      figure: 'runs with ≥ 1 duplicate',
      value: `${runsWithDuplicate} (${pct(runsWithDuplicate / kills)})`,
      target: '',
      ok: true,
    },
    { figure: '  95% interval (Wilson)', value: `${pct(rLow)} – ${pct(rHigh)}`, target: '', ok: true },
    { figure: 'duplicates per 1,000 kills', value: perThousand(duplicates), target: 'at-least-once', ok: true },
    { figure: '  95% interval (exact Poisson)', value: `${perThousand(dLow)} – ${perThousand(dHigh)}`, target: '', ok: true },
    { figure: 'lost alerts (acknowledged, not carded)', value: String(lost), target: '0', ok: lost === 0 },
    { figure: 'dead letters', value: String(dead), target: '0', ok: dead === 0 },
    { figure: 'kills not drained in time', value: String(undrained), target: '0', ok: undrained === 0 },
    {
      figure: 'window: answer → record, ms (p50/p99/max)',
      value: `${percentile(windows, 50)} / ${percentile(windows, 99)} / ${Math.max(...windows)}`,
      target: '',
      ok: true,
    },
    { figure: 'time exposed before the kill', value: `${((exposed / storm) * 100).toFixed(2)} %`, target: '', ok: true },
    { figure: 'acknowledged per kill (median)', value: String(median(results.map((r) => r.acknowledged))), target: '', ok: true },
    { figure: 'seconds per kill (median / p95)', value: `${median(seconds).toFixed(1)} / ${percentile(seconds, 95).toFixed(1)}`, target: '', ok: true },
    { figure: 'load average (start / end)', value: `${loadBefore.toFixed(1)} / ${os.loadavg()[0]!.toFixed(1)}`, target: '', ok: true },
  ]);
  console.log('At least once: a kill between the connector creating a card and the bot recording its id');
  console.log('posts that card again after the restart (README, "at-least-once"); the old one stays stale.');
  if (lost > 0 || undrained > 0) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
