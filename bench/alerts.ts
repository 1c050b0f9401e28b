import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import express from 'express';
import { startFleetOps, type RunningBot } from '../bot/server';
import { createAlertsFeatureModule } from '../bot/features/alerts';
import type { ChannelClient } from '../core/notifications/channel';
import type { ConversationRef } from '../core/conversations/conversation';
import type { OutboundMessage } from '../core/notifications/notifier';
import { silentLogger, type Logger } from '../core/logger';
import { defineFeature, type Feature } from '../bot/features/feature';
import { percentile, printTable, type Figure } from './report';

/**
 * Alerts, end to end on the real server (HTTP on loopback, SQLite WAL + synchronous FULL
 * in a real file, the outbox draining to a recording connector within Teams' limits):
 *  1. sustained ingestion: INGEST_ALERTS alerts from CONCURRENCY senders; alerts/s, p99 of the 2xx;
 *  2. a storm: STORM_ALERTS alerts of 20 rules spread over STORM_SECONDS to one conversation;
 *     messages and updates sent, the busiest 1 s / 2 s / 30 s windows, time until the last
 *     card shows the last alert, alerts lost.
 * BENCH_STORM_SECONDS shortens the storm (the rate rises accordingly).
 */
const INGEST_ALERTS = Number(process.env.BENCH_INGEST_ALERTS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const STORM_ALERTS = 5_000;
const STORM_RULES = 20;
const STORM_SECONDS = Number(process.env.BENCH_STORM_SECONDS ?? 60);
const TOKEN = 'bench-token';

/** The Bot Connector as the outbox sees it, recording when each send happened and what it carried. */
class RecordingChannel implements ChannelClient {
  readonly sends: Array<{ at: number; kind: 'create' | 'update'; conversationId: string; activityId: string; card: string }> = [];
  private next = 1;
  async create(ref: ConversationRef, message: OutboundMessage): Promise<string> {
    const activityId = `activity-${this.next++}`;
    this.sends.push({ at: Date.now(), kind: 'create', conversationId: ref.conversationId, activityId, card: JSON.stringify(message.card ?? message.text) });
    return activityId;
  }
  async update(ref: ConversationRef, activityId: string, message: OutboundMessage): Promise<void> {
    this.sends.push({ at: Date.now(), kind: 'update', conversationId: ref.conversationId, activityId, card: JSON.stringify(message.card ?? message.text) });
  }
}

function payload(alertId: string, rule: string, deviceId: string, firedAt: string): string {
  return JSON.stringify({
    schemaId: 'azureMonitorCommonAlertSchema',
    data: {
      essentials: {
        alertId,
        alertRule: rule,
        severity: 'Sev2',
        signalType: 'Metric',
        monitorCondition: 'Fired',
        monitoringService: 'Platform',
        alertTargetIDs: [`/subscriptions/s/resourceGroups/fleet/providers/Microsoft.Devices/IotHubs/hub/devices/${deviceId}`],
        configurationItems: [deviceId],
        firedDateTime: firedAt,
        description: 'bench',
        essentialsVersion: '1.0',
        alertContextVersion: '1.0',
      },
      alertContext: {
        conditionType: 'SingleResourceMultipleMetricCriteria',
        condition: {
          windowSize: 'PT5M',
          allOf: [
            {
              metricName: 'temperature',
              operator: 'GreaterThan',
              threshold: '85',
              timeAggregation: 'Average',
              dimensions: [
                { name: 'DeviceId', value: deviceId },
                { name: 'Site', value: `site-${deviceId.length % 7}` },
              ],
              metricValue: 90,
            },
          ],
        },
      },
    },
  });
}

/** Silent, except that it keeps what the alerts store reports when it stops (its commit and flush counts). */
const storeStats: Array<{ commits: number; flushes: number; checkpoints: number }> = [];
const statsLogger: Logger = {
  ...silentLogger,
  info(obj) {
    if (typeof obj === 'object' && 'flushes' in obj) storeStats.push(obj as (typeof storeStats)[number]);
  },
  child: () => statsLogger,
};

async function start(channel: RecordingChannel, conversations: string[], extra: Feature[] = []): Promise<{ bot: RunningBot; dataDir: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetops-bench-alerts-'));
  const bot = await startFleetOps(
    { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, SIM_DEVICES: '0', LOG_LEVEL: 'silent', ALERTS_WEBHOOK_TOKEN: TOKEN, ALERT_RULES: 'off' },
    { logger: statsLogger, channel, features: [createAlertsFeatureModule({ schedule: () => () => undefined }), ...extra] },
  );
  for (const conversationId of conversations) {
    await bot.services.conversations.upsert({ conversationId, serviceUrl: 'http://127.0.0.1:1', channelId: 'msteams', tenantId: `tenant-${conversationId}` });
    await bot.services.subscriptions.add({ conversationId, topic: 'alerts', filter: '', createdBy: 'bench' });
  }
  return { bot, dataDir };
}

async function post(url: string, body: string): Promise<{ ok: boolean; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  await res.arrayBuffer();
  return { ok: res.ok, ms: performance.now() - t0 };
}

/**
 * The load generator runs in its own process (its own event loop, heap and core), so
 * the bot's event loop is measured, not the HTTP client's: keep-alive sockets, one per
 * sender, raw http.request. Plain JS: it gets its parameters as JSON on argv.
 */
const LOAD_CLIENT = `
const http = require('node:http');
const { url, template, count, concurrency, prefix } = JSON.parse(process.argv[1]);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const target = new URL(url);
function post(body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: target.hostname, port: target.port, path: target.pathname + target.search, method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(body);
  });
}
(async () => {
  const latencies = [];
  let failed = 0;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const i = next++;
      const body = template.replaceAll('@ID@', prefix + i).replaceAll('@RULE@', 'Rule ' + (i % 20)).replaceAll('@DEVICE@', 'device-' + i);
      const a = performance.now();
      const status = await post(body);
      latencies.push(performance.now() - a);
      if (status < 200 || status > 299) failed++;
    }
  }));
  agent.destroy();
  process.stdout.write(JSON.stringify({ latencies, failed, seconds: (performance.now() - t0) / 1000 }));
})();
`;

interface LoadResult {
  latencies: number[];
  failed: number;
  seconds: number;
  /** CPU the bot's process (all its threads) spent per request, ms: what the machine's load does not change much. */
  cpuMsPerRequest: number;
}

async function load(url: string, count: number, prefix: string): Promise<LoadResult> {
  const cpu = process.cpuUsage();
  const result = await runClient(url, count, prefix);
  const used = process.cpuUsage(cpu);
  return { ...result, cpuMsPerRequest: (used.user + used.system) / 1000 / count };
}

function runClient(url: string, count: number, prefix: string): Promise<Omit<LoadResult, 'cpuMsPerRequest'>> {
  const template = payload('@ID@', '@RULE@', '@DEVICE@', new Date().toISOString());
  const child = spawn(process.execPath, ['-e', LOAD_CLIENT, JSON.stringify({ url, template, count, concurrency: CONCURRENCY, prefix })], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load client exited with ${code}`))));
  });
}

/** The baseline: a trivial express route on the same server, answering 202 without reading the body. */
const baselineRoute = defineFeature({
  name: 'bench-baseline',
  needs: [],
  async create() {
    const router = express.Router();
    router.post('/', (_req, res) => {
      res.sendStatus(202);
    });
    return { provides: {}, routes: [{ path: '/bench/noop', router }] };
  },
});

async function ingestion(): Promise<Figure[]> {
  const channel = new RecordingChannel();
  const { bot, dataDir } = await start(channel, ['ops'], [baselineRoute]);
  const url = `${bot.url}/api/alerts?token=${TOKEN}`;
  // The same server and client on a route that does nothing: what HTTP alone costs on this machine now.
  await load(`${bot.url}/bench/noop`, 500, 'warm-');
  const baseline = await load(`${bot.url}/bench/noop`, INGEST_ALERTS, 'noop-');
  await load(url, 500, 'warm-'); // JIT, prepared statements, connection pool
  const { latencies, failed, seconds, cpuMsPerRequest } = await load(url, INGEST_ALERTS, 'ingest-');
  await bot.stop(0);
  fs.rmSync(dataDir, { recursive: true, force: true });
  const store = storeStats.at(-1);
  const rate = INGEST_ALERTS / seconds;
  const p99 = percentile(latencies, 99);
  return [
    { figure: `baseline (trivial 202 route, same server and client): requests/s`, value: (INGEST_ALERTS / baseline.seconds).toFixed(0), target: '', ok: true },
    {
      figure: 'baseline: p50 / p99 (ms)',
      value: `${percentile(baseline.latencies, 50).toFixed(1)} / ${percentile(baseline.latencies, 99).toFixed(1)}`,
      target: '',
      ok: true,
    },
    { figure: 'baseline: bot CPU per request (ms)', value: baseline.cpuMsPerRequest.toFixed(3), target: '', ok: true },
    { figure: `ingestion: alerts/s (${INGEST_ALERTS}, ${CONCURRENCY} senders, 1 conversation)`, value: rate.toFixed(0), target: '≥ 1,000', ok: rate >= 1000 },
    { figure: 'ingestion: p50 of the 2xx (ms)', value: percentile(latencies, 50).toFixed(1), target: '', ok: true },
    { figure: 'ingestion: p99 of the 2xx (ms)', value: p99.toFixed(1), target: '< 50', ok: p99 < 50 },
    {
      figure: 'ingestion: commits / disk flushes / WAL checkpoints (all alerts incl. warm-up)',
      value: store ? `${store.commits} / ${store.flushes} / ${store.checkpoints}` : 'n/a',
      target: '',
      ok: true,
    },
    { figure: 'ingestion: bot CPU per alert (ms)', value: cpuMsPerRequest.toFixed(3), target: '', ok: true },
    { figure: 'ingestion: non-2xx answers', value: String(failed), target: '0', ok: failed === 0 },
  ];
}

function maxInWindow(times: readonly number[], windowMs: number): number {
  let best = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

async function storm(): Promise<Figure[]> {
  const channel = new RecordingChannel();
  const conversation = 'storm-room';
  const { bot, dataDir } = await start(channel, [conversation]);
  const url = `${bot.url}/api/alerts?token=${TOKEN}`;
  const firedAt = new Date().toISOString();
  const intervalMs = (STORM_SECONDS * 1000) / STORM_ALERTS;
  const acknowledged: string[] = [];
  const t0 = Date.now();
  // Paced senders: alert i leaves at t0 + i × interval.
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < STORM_ALERTS) {
        const i = next++;
        const wait = t0 + i * intervalMs - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const r = await post(url, payload(`storm-${i}`, `Rule ${String(i % STORM_RULES).padStart(2, '0')}`, `device-${i}`, firedAt));
        if (r.ok) acknowledged.push(`storm-${i}`);
      }
    }),
  );
  const lastAckAt = Date.now();
  // The bench runs on SQLite (no DATABASE_URL), so the state file is there.
  const db = bot.db!;
  // Until the outbox is empty.
  const pending = () => db.prepare(`SELECT COUNT(*) FROM outbox WHERE state = 'pending'`).pluck().get() as number;
  while (pending() > 0) await new Promise((r) => setTimeout(r, 20));
  const settledAt = Math.max(lastAckAt, ...channel.sends.map((s) => s.at));

  // What the conversation finally shows: the last version of each card.
  const deliveries = db.prepare('SELECT alert_id AS alertId, card_key AS cardKey FROM alert_deliveries WHERE conversation_id = ?').all(conversation) as Array<{
    alertId: string;
    cardKey: string;
  }>;
  const keys = new Map<string, number>();
  for (const d of deliveries) keys.set(d.cardKey, (keys.get(d.cardKey) ?? 0) + 1);
  const sent = channel.sends.filter((s) => s.conversationId === conversation);
  const keyOfActivity = new Map(
    (
      db.prepare('SELECT message_key AS key, activity_id AS activityId FROM sent_messages WHERE conversation_id = ?').all(conversation) as Array<{
        key: string;
        activityId: string;
      }>
    ).map((r) => [r.activityId, r.key]),
  );
  const lastCardOfKey = new Map<string, string>();
  for (const s of sent) {
    const key = keyOfActivity.get(s.activityId);
    if (key) lastCardOfKey.set(key, s.card);
  }
  let shown = 0;
  for (const [key, members] of keys) {
    const card = lastCardOfKey.get(key) ?? '';
    if (key.startsWith('alert:')) shown += card.includes(`id ${key.slice(6)}`) ? 1 : 0;
    else shown += card.includes(`"Alerts","value":"${members} (`) ? members : 0;
  }
  const stored = db.prepare(`SELECT COUNT(*) FROM alerts WHERE alert_id LIKE 'storm-%'`).pluck().get() as number;
  const lost = acknowledged.length - Math.min(stored, shown);
  await bot.stop(0);
  fs.rmSync(dataDir, { recursive: true, force: true });

  const times = sent.map((s) => s.at);
  const creates = sent.filter((s) => s.kind === 'create').length;
  const updates = sent.length - creates;
  const max1 = maxInWindow(times, 1_000);
  const max2 = maxInWindow(times, 2_000);
  const max30 = maxInWindow(times, 30_000);
  const maxBytes = Math.max(...sent.map((s) => Buffer.byteLength(s.card)));
  return [
    {
      figure: `storm: ${STORM_ALERTS} alerts, ${STORM_RULES} rules, over ${STORM_SECONDS} s — 2xx`,
      value: String(acknowledged.length),
      target: String(STORM_ALERTS),
      ok: acknowledged.length === STORM_ALERTS,
    },
    { figure: 'storm: messages sent (new cards)', value: String(creates), target: '≤ 50', ok: creates <= 50 },
    { figure: 'storm: updates sent (coalesced)', value: String(updates), target: '', ok: true },
    { figure: 'storm: max sends in any 1 s', value: String(max1), target: '≤ 7', ok: max1 <= 7 },
    { figure: 'storm: max sends in any 2 s', value: String(max2), target: '≤ 8', ok: max2 <= 8 },
    { figure: 'storm: max sends in any 30 s', value: String(max30), target: '≤ 60', ok: max30 <= 60 },
    { figure: 'storm: largest card (bytes)', value: String(maxBytes), target: '< 28,672', ok: maxBytes < 28 * 1024 },
    { figure: 'storm: last alert 2xx → last card shows it (s)', value: ((settledAt - lastAckAt) / 1000).toFixed(1), target: '', ok: true },
    { figure: 'storm: alerts lost (acknowledged, not on a card)', value: String(lost), target: '0', ok: lost === 0 },
    { figure: 'storm: cards in the conversation', value: `${keyOfActivity.size}`, target: '', ok: true },
  ];
}

async function main() {
  const part = process.env.BENCH_PART; // 'ingestion' | 'storm' | undefined (both)
  const figures = [...(part !== 'storm' ? await ingestion() : []), ...(part !== 'ingestion' ? await storm() : [])];
  printTable('Alerts: ingestion over HTTP and a storm to one conversation', figures);
  process.exit(figures.every((f) => f.ok) ? 0 : 1);
}

void main();
