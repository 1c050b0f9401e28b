import { Pool } from 'pg';
import { devicePayload } from '../core/alerts/fixtures';
import { USERS, type TestUser } from '../support/bot-harness';
import { IotHubStandIn } from '../support/iothub-standin';
import { cardJson, RecordingConnector } from '../support/recording-connector';
import { describeOnPostgres, scratchDatabase } from '../support/postgres';
import { PRODUCTION_BACKENDS } from '../support/production-backends';
import {
  busiestWindow,
  clickActivity,
  messageActivity,
  postJson,
  RoundRobinFront,
  spawnReplica,
  TEAMS_LIMITS,
  TEST_CONVERSATIONS,
  type ReplicaProcess,
} from '../support/replica-processes';

/**
 * The proof of issue 12 with real processes: two bot processes (test/support/replica-process.ts)
 * on one fresh PostgreSQL database, behind a round-robin front, sending to one recording Bot
 * Connector (serviceUrl with Teams' region path and trailing slash) and writing twins to one
 * IoT Hub stand-in. 2,000 alerts of 20 rules and Acknowledge clicks land on both; one replica
 * is killed with SIGKILL in the middle, while a rollout wave is being written; the survivor
 * finishes. The scenario runs once (beforeAll); each test checks one promise.
 */
const TOKEN = 'two-processes-token';
const ALERTS = 2_000;
const RULES = 20;
/** Azure Monitor's pace: the alerts come over about this many seconds (or slower, as fast as the replicas answer). */
const PACE_SECONDS = 20;
const SENDERS = 12;
const DEVICES = 600;
/** Wave 1 is half the fleet: 300 devices at 10 writes/s, 100 per 10-second tick, so it is still being written when a replica dies. */
const WAVES = '50,100';
const WRITES_PER_SECOND = 10;

jest.setTimeout(120_000);

describeOnPostgres('two bot processes on one PostgreSQL, one killed in the middle', () => {
  let scratch: { url: string; drop: () => Promise<void> };
  let connector: RecordingConnector;
  let hub: IotHubStandIn;
  let db: Pool;
  let replicas: ReplicaProcess[] = [];
  const accepted = new Set<string>();
  let killed: ReplicaProcess;
  let survivor: ReplicaProcess;
  let killedAt = 0;
  const figures: Record<string, string> = {};
  const clickAnswers: string[] = [];
  const doubleClicked: string[] = [];
  let serviceUrl = '';

  const alertId = (i: number) => `/subscriptions/s1/providers/Microsoft.AlertsManagement/alerts/proc-${String(i).padStart(5, '0')}`;
  const say = (replica: ReplicaProcess, text: string, kind: 'personal' | 'channel' | 'groupChat', user: TestUser = USERS.operator) =>
    postJson(`${replica.url}/api/messages`, messageActivity(serviceUrl, kind, user, text));
  const click = async (replica: ReplicaProcess, verb: string, data: Record<string, unknown>, user: TestUser = USERS.operator) => {
    const response = await postJson(`${replica.url}/api/messages`, clickActivity(serviceUrl, 'channel', user, verb, data));
    return response.text();
  };
  const rows = async <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.query<T>(sql, params)).rows;
  const waitFor = async (what: string, predicate: () => Promise<boolean> | boolean, timeoutInMs: number) => {
    const deadline = Date.now() + timeoutInMs;
    while (!(await predicate())) {
      if (Date.now() > deadline) {
        const said = connector.messages.slice(-3).map((m) => m.activity.text ?? cardJson(m).slice(0, 300));
        throw new Error(
          `timed out waiting for ${what}; the bot's last messages: ${JSON.stringify(said)}; replica logs: ${replicas.map((r) => r.output().slice(-1500)).join('\n')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  beforeAll(async () => {
    scratch = await scratchDatabase();
    db = new Pool({ connectionString: scratch.url, max: 2 });
    connector = await new RecordingConnector().start();
    serviceUrl = `${connector.url}/amer/`;
    hub = await new IotHubStandIn().start();
    hub.seed(DEVICES, '2.4.0');
    const env = {
      ...PRODUCTION_BACKENDS,
      DATABASE_URL: scratch.url,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ALERTS_WEBHOOK_TOKEN: TOKEN,
      ALERT_RULES: 'off',
      SIM_DEVICES: '0',
      FLEET_BACKEND: 'iothub',
      IOTHUB_CONNECTION_STRING: 'HostName=fleet-test.azure-devices.net;SharedAccessKeyName=service;SharedAccessKey=c2VjcmV0',
      TEST_IOTHUB_URL: hub.url,
      // The stand-in is not S1: the limiter must not make the test wait for query quota.
      IOTHUB_QUERIES_PER_MIN: '100000',
      IOTHUB_TWIN_READS_PER_SEC: '10000',
      IOTHUB_TWIN_UPDATES_PER_SEC: '10000',
      ROLLOUT_WRITES_PER_SECOND: String(WRITES_PER_SECOND),
      ROLLOUT_SOAK_SECONDS: '0',
      ADMINS: USERS.admin.aadObjectId,
      RELEASE_LEADS: USERS.releaseLead.aadObjectId,
      OPERATORS: USERS.operator.aadObjectId,
    };
    // Started together: the second waits for the first's migrations (advisory lock).
    replicas = await Promise.all([spawnReplica('a', env), spawnReplica('b', env)]);
    const [a, b] = replicas as [ReplicaProcess, ReplicaProcess];
    const front = new RoundRobinFront(replicas);

    // Two conversations subscribe, through different replicas.
    const answered = async (n: number) => waitFor(`${n} answers`, () => connector.messages.length >= n, 15_000);
    await say(a, 'subscribe alerts', 'channel');
    await answered(1);
    await say(b, 'subscribe alerts', 'groupChat');
    await answered(2);
    await say(a, 'subscribe rollouts', 'channel');
    await answered(3);

    // A rollout of 2.4.1 in two waves: planned on one replica, started on the other. Its
    // first tick (they come every 10 s) writes wave 1's first devices while the alerts flow.
    await say(b, `rollout plan 2.4.1 waves ${WAVES}`, 'personal', USERS.releaseLead);
    await waitFor('the plan', async () => (await rows('SELECT id FROM rollouts')).length === 1, 15_000);
    const [plan] = await rows<{ id: string; version: number }>('SELECT id, version FROM rollouts');
    await postJson(
      `${a.url}/api/messages`,
      clickActivity(serviceUrl, 'personal', USERS.releaseLead, 'rollout.start', { id: plan!.id, version: plan!.version }),
    );

    // The kill: two seconds after wave 1's first writes (the wave is in flight), or at the latest midway through the alerts.
    let leasedAtKill: string[] = [];
    let leasedRowsSentAt: number | undefined;
    const kill = async () => {
      await waitFor('the first twin writes', () => hub.twinWrites.length > 0 || next >= ALERTS / 2, 60_000);
      if (hub.twinWrites.length > 0) await new Promise((resolve) => setTimeout(resolve, 2_000));
      // The replica that wrote twins last is the one ticking the rollout: kill it.
      const writer = hub.twinWrites.at(-1)?.by;
      killed = replicas.find((r) => `fleetops-${r.name}` === writer) ?? b;
      survivor = replicas.find((r) => r !== killed)!;
      leasedAtKill = (await rows<{ id: string }>("SELECT id FROM outbox WHERE state = 'pending' AND lease_until > $1", [Date.now()])).map((r) => r.id);
      killedAt = Date.now();
      killed.kill9();
      figures['killed'] =
        `replica ${killed.name} after ${next} of ${ALERTS} alerts, ${hub.twinWrites.length} twin writes, ${leasedAtKill.length} outbox rows leased`;
      // The rows leased at the kill (the dead replica's among them): when are they all sent?
      await waitFor(
        'the rows leased at the kill to be sent',
        async () =>
          Number((await rows<{ n: string }>("SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending' AND id = ANY($1)", [leasedAtKill]))[0]!.n) === 0,
        60_000,
      ).catch(() => undefined);
      leasedRowsSentAt = Date.now();
    };

    // Azure Monitor's pace: ALERTS over about PACE_SECONDS (slower if the machine is), so the kill lands among them.
    let next = 0;
    const started = Date.now();
    const sender = async () => {
      while (next < ALERTS) {
        const i = next++;
        const due = started + (i * PACE_SECONDS * 1000) / ALERTS;
        if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
        const payload = devicePayload({
          alertId: alertId(i),
          rule: `Rule ${String(i % RULES).padStart(2, '0')}`,
          deviceId: `device-${String(i % DEVICES).padStart(4, '0')}`,
          severity: i % 4,
          firedAt: new Date().toISOString(),
        });
        try {
          const { response } = await front.post(`/api/alerts?token=${TOKEN}`, payload);
          if (response.ok) accepted.add(alertId(i));
        } catch {
          // No replica answered: Azure would retry later; this alert is simply not counted as accepted.
        }
        // Acknowledge clicks: on both replicas at once while both run, on the survivor after the kill.
        if (i % 100 === 50 && accepted.has(alertId(i - 50))) {
          const id = alertId(i - 50);
          if (!killedAt) {
            const answers = await Promise.allSettled([
              click(a, 'alert.acknowledge', { id }, USERS.operator),
              click(b, 'alert.acknowledge', { id }, USERS.admin),
            ]);
            const lost = answers.find((answer) => answer.status === 'rejected');
            // Only the kill may cut a click off (Teams shows that clicker an error): such a pair is not a double click.
            if (lost && !killedAt) throw lost.reason;
            if (!lost) {
              doubleClicked.push(id);
              clickAnswers.push(...answers.flatMap((answer) => (answer.status === 'fulfilled' ? [answer.value] : [])));
            }
          } else {
            clickAnswers.push(await click(survivor, 'alert.acknowledge', { id }));
          }
        }
      }
    };
    const killing = kill();
    await Promise.all(Array.from({ length: SENDERS }, sender));
    figures['alerts posted'] = `${ALERTS} in ${((Date.now() - started) / 1000).toFixed(1)} s, ${accepted.size} answered 2xx`;
    await killing;
    const failover = front.failovers.find((f) => f.replica === killed.name);
    figures['front: kill → a request for the dead replica answered by the survivor'] =
      failover?.servedAt !== undefined ? `${failover.servedAt - killedAt} ms` : 'no request was refused';
    figures['outbox: kill → every row leased at the kill sent by the survivor'] =
      leasedRowsSentAt !== undefined ? `${((leasedRowsSentAt - killedAt) / 1000).toFixed(1)} s` : 'not within 60 s';

    // The survivor finishes: every card sent.
    await waitFor(
      'the outbox to drain',
      async () => Number((await rows<{ n: string }>("SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending'"))[0]!.n) === 0,
      45_000,
    );
    figures['outbox: kill → every queued card sent'] = `${((Date.now() - killedAt) / 1000).toFixed(1)} s`;
    // …and the wave: every device of wave 1 written.
    const waveOne = async () =>
      (await rows<{ device_id: string; pending_write: boolean; state: string }>('SELECT device_id, pending_write, state FROM rollout_devices WHERE wave = 1'))
        .length;
    const wave1Size = await waveOne();
    await waitFor('wave 1 written', () => new Set(hub.twinWrites.filter((w) => w.wave === 1).map((w) => w.deviceId)).size >= wave1Size, 45_000).catch(
      () => undefined,
    );
    const byTheSurvivor = hub.twinWrites.filter((w) => w.at > killedAt && w.by === `fleetops-${survivor.name}`);
    figures['rollout: kill → first twin write by the survivor'] = byTheSurvivor[0] ? `${((byTheSurvivor[0].at - killedAt) / 1000).toFixed(1)} s` : 'none';
    // What the skipped tests would say, printed while they wait for the scheduler's leases.
    const conversations = [...new Set(connector.activities.map((x) => x.conversationId))];
    const sendsIn = (c: string) => connector.activities.filter((x) => x.conversationId === c).map((x) => x.at);
    figures['busiest windows in one conversation (limits 7/1 s, 8/2 s, 60/30 s, 1,800/h)'] = TEAMS_LIMITS.perConversation
      .map(({ windowMs }) => Math.max(...conversations.map((c) => busiestWindow(sendsIn(c), windowMs))))
      .join(', ');
    figures['busiest second for the tenant (limit 50)'] = String(
      busiestWindow(
        connector.activities.map((x) => x.at),
        1_000,
      ),
    );
    const writesPerDevice = new Map<string, number>();
    for (const w of hub.twinWrites) writesPerDevice.set(w.deviceId, (writesPerDevice.get(w.deviceId) ?? 0) + 1);
    figures['devices written twice'] = `${[...writesPerDevice.values()].filter((n) => n > 1).length} of ${writesPerDevice.size}`;
    process.stdout.write(
      `\nTwo processes, one killed (${killed.name}):\n${Object.entries(figures)
        .map(([k, v]) => `  ${k}: ${v}`)
        .join('\n')}\n`,
    );
  });

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await db?.end();
    await connector?.stop();
    await hub?.stop();
    await scratch?.drop();
  });

  test('the killed replica is gone and the survivor still answers', async () => {
    expect(killed.alive).toBe(false);
    expect((await fetch(`${survivor.url}/healthz`)).status).toBe(200);
    expect(accepted.size).toBeGreaterThan(ALERTS * 0.99);
  });

  test('every alert that got a 2xx is stored and carded in both subscribed conversations', async () => {
    const stored = new Set((await rows<{ alert_id: string }>('SELECT alert_id FROM alerts')).map((r) => r.alert_id));
    expect([...accepted].filter((id) => !stored.has(id))).toEqual([]);
    const delivered = await rows<{ alert_id: string; conversation_id: string; card_key: string }>(
      'SELECT alert_id, conversation_id, card_key FROM alert_deliveries',
    );
    for (const conversation of [TEST_CONVERSATIONS.channel, TEST_CONVERSATIONS.groupChat]) {
      const here = new Set(delivered.filter((d) => d.conversation_id === conversation).map((d) => d.alert_id));
      expect([...accepted].filter((id) => !here.has(id))).toEqual([]);
    }
    // Carded: every card key an alert went to was sent (a message id is known for it).
    const sent = new Set(
      (await rows<{ conversation_id: string; message_key: string }>('SELECT conversation_id, message_key FROM sent_messages')).map(
        (r) => `${r.conversation_id} ${r.message_key}`,
      ),
    );
    const keys = new Set(delivered.map((d) => `${d.conversation_id} ${d.card_key}`));
    expect([...keys].filter((k) => !sent.has(k))).toEqual([]);
  });

  test('each card was created once per conversation, then only updated', async () => {
    const sent = await rows<{ conversation_id: string; message_key: string; activity_id: string }>(
      'SELECT conversation_id, message_key, activity_id FROM sent_messages',
    );
    const alertKeys = await rows<{ conversation_id: string; card_key: string }>('SELECT DISTINCT conversation_id, card_key FROM alert_deliveries');
    const creates = connector.activities.filter((x) => x.kind === 'create');
    for (const conversation of [TEST_CONVERSATIONS.channel, TEST_CONVERSATIONS.groupChat]) {
      const alertCardsCreated = creates.filter((x) => x.conversationId === conversation && /Rule \d\d/.test(cardJson(x)));
      expect(alertCardsCreated).toHaveLength(alertKeys.filter((k) => k.conversation_id === conversation).length);
    }
    // Every update goes to a message created before it in the same conversation, and every stored message id was created once.
    const createdAt = new Map(creates.map((x) => [`${x.conversationId} ${x.activityId}`, x.at]));
    const strayUpdates = connector.activities.filter((x) => x.kind === 'update' && !(createdAt.get(`${x.conversationId} ${x.activityId}`)! <= x.at));
    expect(strayUpdates.map((x) => x.request)).toEqual([]);
    expect(sent.filter((s) => !createdAt.has(`${s.conversation_id} ${s.activity_id}`))).toEqual([]);
    // Real Teams URL shapes: the region path of the serviceUrl, then /v3/conversations/….
    expect(connector.activities.every((x) => x.request.includes('/amer/v3/conversations/'))).toBe(true);
  });

  test('Acknowledge clicks on both replicas moved each alert once; the second clicker was told who did it', async () => {
    for (const id of doubleClicked) {
      const [alert] = await rows<{ state: string; version: number }>(
        "SELECT state, (record_json::json->>'version')::int AS version FROM alerts WHERE alert_id = $1",
        [id],
      );
      expect(alert).toEqual(expect.objectContaining({ state: 'Acknowledged', version: 2 }));
    }
    expect(clickAnswers.filter((t) => /already acknowledged by/.test(t)).length).toBe(doubleClicked.length);
  });

  test('no sliding window went over a Teams limit, all replicas together', () => {
    const sends = connector.activities;
    const over: string[] = [];
    for (const conversation of new Set(sends.map((s) => s.conversationId))) {
      const times = sends.filter((s) => s.conversationId === conversation).map((s) => s.at);
      for (const { windowMs, max } of TEAMS_LIMITS.perConversation) {
        const most = busiestWindow(times, windowMs);
        if (most > max) over.push(`${conversation}: ${most} sends in ${windowMs} ms (limit ${max})`);
      }
    }
    for (const { windowMs, max } of TEAMS_LIMITS.perTenant) {
      const most = busiestWindow(
        sends.map((s) => s.at),
        windowMs,
      );
      if (most > max) over.push(`tenant: ${most} sends in ${windowMs} ms (limit ${max})`);
    }
    expect(over).toEqual([]);
  });

  test('the rollout wave in flight when the replica died was finished by the survivor', async () => {
    const wave1 = await rows<{ device_id: string; pending_write: boolean }>('SELECT device_id, pending_write FROM rollout_devices WHERE wave = 1');
    const written = new Set(hub.twinWrites.filter((w) => w.wave === 1).map((w) => w.deviceId));
    expect(wave1.filter((d) => !written.has(d.device_id)).map((d) => d.device_id)).toEqual([]);
    expect(hub.twinWrites.some((w) => w.at > killedAt && w.by === `fleetops-${survivor.name}`)).toBe(true);
    expect(hub.twinWrites.some((w) => w.at > killedAt + 1_000 && w.by === `fleetops-${killed.name}`)).toBe(false);
  });

  test('no device was written twice (one replica ticks the rollout at a time)', () => {
    const writes = new Map<string, number>();
    for (const w of hub.twinWrites) writes.set(w.deviceId, (writes.get(w.deviceId) ?? 0) + 1);
    expect([...writes].filter(([, n]) => n > 1)).toEqual([]);
  });

  test('the survivor took over the rollout tick within 15 s', () => {
    const first = hub.twinWrites.find((w) => w.at > killedAt && w.by === `fleetops-${survivor.name}`);
    expect(first!.at - killedAt).toBeLessThan(15_000);
  });
});
