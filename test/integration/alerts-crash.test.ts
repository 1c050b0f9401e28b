import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NodeSqlite } from '../../backends/store/sqlite/driver';
import { cardJson, RecordingConnector } from '../support/recording-connector';
import { devicePayload } from '../core/alerts/fixtures';
import { startAlertsBot } from './support/alerts-bot-process';

jest.setTimeout(90_000);

const TOKEN = 'crash-test-token';
const CONVERSATION = '19:storm-channel@thread.tacv2';
const CHILD = path.join(__dirname, 'support/alerts-bot-child.ts');

const startChild = (dataDir: string, connectorUrl: string, seed: boolean) =>
  startAlertsBot({
    node: process.execPath,
    args: ['--import', 'tsx', CHILD],
    dataDir,
    connectorUrl,
    token: TOKEN,
    seedConversation: seed ? CONVERSATION : undefined,
  });

test('kill -9 in the middle of a storm: every acknowledged alert is stored and on a card; at most one message is sent twice (at least once: the one the connector created just before the kill, if any)', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetops-alert-crash-'));
  const connector = await new RecordingConnector().start();
  const first = await startChild(dataDir, connector.url, true);
  const acknowledged = new Set<string>();
  const firedAt = new Date().toISOString();
  const rules = ['Device offline', 'Temperature high', 'Error log lines high'];
  let killed = false;

  // Post a storm from 8 parallel senders; kill the bot while they are at it.
  let next = 0;
  const sender = async () => {
    while (next < 400 && !killed) {
      const i = next++;
      const alertId = `crash-${i}`;
      try {
        const res = await fetch(`${first.url}/api/alerts?token=${TOKEN}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(devicePayload({ alertId, rule: rules[i % 3], deviceId: `device-${i}`, site: 'berlin', firedAt })),
        });
        if (res.ok) acknowledged.add(alertId);
      } catch {
        // the process died mid-request: not acknowledged, Azure would retry
      }
      if (i === 150) {
        killed = true;
        first.process.kill('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, sender));
  await first.exited;
  expect(acknowledged.size).toBeGreaterThan(100);

  const second = await startChild(dataDir, connector.url, false);
  try {
    // Wait until the outbox is empty and nothing more arrives.
    const db = new NodeSqlite(path.join(dataDir, 'fleetops.sqlite'), { readOnly: true });
    const pending = () => db.prepare(`SELECT COUNT(*) FROM outbox WHERE state = 'pending'`).pluck().get() as number;
    const deadline = Date.now() + 60_000;
    while (pending() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(pending()).toBe(0);

    // 1. Every acknowledged alert is stored, with a delivery to the conversation.
    const stored = new Set(db.prepare('SELECT alert_id FROM alerts').pluck().all() as string[]);
    const delivered = new Map(
      (
        db.prepare('SELECT alert_id, card_key FROM alert_deliveries WHERE conversation_id = ?').all(CONVERSATION) as Array<{
          alert_id: string;
          card_key: string;
        }>
      ).map((r) => [r.alert_id, r.card_key]),
    );
    for (const id of acknowledged) {
      expect(stored.has(id)).toBe(true);
      expect(delivered.has(id)).toBe(true);
    }

    // 2. Every card key was created once (updates only afterwards), but for at most one: the
    // message the connector created after the bot's last durable write and before the kill.
    // Messages go out one at a time, so there is at most one such message per crash.
    const keys = new Set(delivered.values());
    const creates = connector.activities.filter((a) => a.kind === 'create' && a.conversationId === CONVERSATION);
    process.stdout.write(`alerts-crash: ${creates.length - keys.size} duplicate create(s) for ${keys.size} cards\n`);
    expect(creates.length - keys.size).toBeGreaterThanOrEqual(0);
    expect(creates.length - keys.size).toBeLessThanOrEqual(1);
    const sentKeys = db.prepare('SELECT message_key FROM sent_messages WHERE conversation_id = ?').pluck().all(CONVERSATION) as string[];
    expect(new Set(sentKeys)).toEqual(keys);

    // 3. The last version of each card reflects its alerts: own cards name the alert, storm cards count all members.
    const activityOfKey = new Map<string, string>();
    const keyOfActivity = new Map<string, string>(
      (
        db.prepare('SELECT message_key, activity_id FROM sent_messages WHERE conversation_id = ?').all(CONVERSATION) as Array<{
          message_key: string;
          activity_id: string;
        }>
      ).map((r) => [r.activity_id, r.message_key]),
    );
    for (const a of connector.activities.filter((x) => x.conversationId === CONVERSATION)) {
      const key = keyOfActivity.get(a.activityId);
      if (key) activityOfKey.set(key, cardJson(a));
    }
    for (const [alertId, key] of delivered) {
      const card = activityOfKey.get(key)!;
      if (key.startsWith('alert:')) expect(card).toContain(`id ${alertId}`);
      else {
        const members = [...delivered.values()].filter((k) => k === key).length;
        expect(card).toContain(`(${members} firing, 0 resolved)`);
      }
    }
    db.close();
  } finally {
    second.process.kill('SIGKILL');
    await connector.stop();
  }
});
