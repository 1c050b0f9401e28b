/**
 * `npm run bench:outbox`: the outbox's send commit on the production storage settings
 * (SQLite file, WAL, synchronous=FULL): what the sender writes around a send (the rate-limit
 * take in the send log before it, the activity id and the row's completion after the connector
 * has answered), one send at a time as the sender does. Each commit waits for the disk, so this is the cost every proactive card pays.
 * Written with `await` on every store call so it runs on sync and async ports alike.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../backends/store/sqlite/database';
import { outboxMigrations, SqliteOutboxRepository } from '../backends/store/sqlite/outbox';
import { sendLogMigrations, sqliteSendRateLimits } from '../backends/store/sqlite/send-log';
import { percentile } from './report';

const SENDS = Number(process.env.BENCH_OUTBOX_SENDS ?? 2_000);

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-outbox-'));
  const db = openDatabase(path.join(dir, 'fleetops.sqlite'), [...outboxMigrations, ...sendLogMigrations]);
  const outbox = new SqliteOutboxRepository(db);
  // Teams' windows live in the send log (one take per send, before it goes out); the bench's sends are spread in time so none waits.
  const windows = sqliteSendRateLimits(db);
  const takeMs: number[] = [];
  const message = { card: { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'x'.repeat(2_000) }] } };
  for (let i = 0; i < SENDS; i++) await outbox.enqueue(`conversation-${i % 20}`, `alert:${i}`, message, 0);
  const commitMs: number[] = [];
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  let sentAt = Date.now();
  for (const item of await outbox.due(Date.now(), SENDS)) {
    const t = process.hrtime.bigint();
    sentAt += 2_000;
    if ((await windows.take(item.conversationId, 'tenant', () => sentAt)) > 0) throw new Error('the bench expected no rate-limit wait');
    takeMs.push(Number(process.hrtime.bigint() - t) / 1e6);
    await outbox.recordSent(item.conversationId, item.key, `activity-${item.id}`);
    await outbox.complete(item);
    commitMs.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const totalMs = Number(process.hrtime.bigint() - started) / 1e6;
  const used = process.cpuUsage(cpu);
  const cpuPerSendMs = (used.user + used.system) / 1000 / SENDS;
  const load = os.loadavg()[0]!.toFixed(2);
  console.log(`outbox send commit (send-log take + activity id + completion), ${SENDS} sends, Node ${process.versions.node}, load ${load}`);
  console.log(
    `  p50 ${percentile(commitMs, 50).toFixed(2)} ms   p99 ${percentile(commitMs, 99).toFixed(2)} ms   ${Math.round((SENDS / totalMs) * 1000)} sends/s   CPU ${cpuPerSendMs.toFixed(3)} ms a send (the rest is waiting for the disk)`,
  );
  console.log(
    `  of which the send-log take (Teams' windows in the store): p50 ${percentile(takeMs, 50).toFixed(2)} ms   p99 ${percentile(takeMs, 99).toFixed(2)} ms`,
  );
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

void main();
