import { Pool } from 'pg';
import { poolConfig, PostgresSettingsError } from '../../../backends/store/postgres/connection';
import { PostgresAlertRepository } from '../../../backends/store/postgres/alerts';
import { PostgresDatabase } from '../../../backends/store/postgres/database';
import { entraPassword } from '../../../backends/store/postgres/entra-password';
import { migratePostgres, PostgresStateError } from '../../../backends/store/postgres/migrate';
import { OUTBOX_LEASE_MS, PostgresOutboxRepository } from '../../../backends/store/postgres/outbox';
import { POSTGRES_MIGRATIONS } from '../../../backends/store/postgres/schema';
import { PostgresSendRateLimits, SEND_LOG_LOCK } from '../../../backends/store/postgres/send-log';
import { PostgresSubscriptionRepository } from '../../../backends/store/postgres/subscriptions';
import { describeOnPostgres, scratchDatabase } from '../../support/postgres';

const settings = { url: 'postgres://fleetops@db.postgres.database.azure.com:5432/fleetops', entraAuth: false, poolMax: 7, statementTimeoutMs: 9_000 };

describe('PostgreSQL connection settings', () => {
  test('Azure Database for PostgreSQL always gets verified TLS; sslmode=disable there is refused', () => {
    expect(poolConfig(settings)).toMatchObject({ ssl: { rejectUnauthorized: true }, max: 7, statement_timeout: 9_000 });
    expect(() => poolConfig({ ...settings, url: `${settings.url}?sslmode=disable` })).toThrow(PostgresSettingsError);
    expect(poolConfig({ ...settings, url: 'postgres://postgres@127.0.0.1:5432/test' }).ssl).toBe(false);
    expect(poolConfig({ ...settings, url: 'postgres://u@db.internal:5432/x' }).ssl).toEqual({ rejectUnauthorized: true });
  });

  test('with Entra ID the password is a token, fetched again only when it nears expiry', async () => {
    let now = 0;
    const issued: number[] = [];
    const tokens = async () => {
      issued.push(now);
      return { token: `token-${issued.length}`, expiresOnTimestamp: now + 60 * 60_000 };
    };
    const password = entraPassword(tokens, () => now);
    expect(await Promise.all([password(), password()])).toEqual(['token-1', 'token-1']);
    now = 54 * 60_000; // 6 minutes left: still good
    expect(await password()).toBe('token-1');
    now = 56 * 60_000; // 4 minutes left: a new one
    expect(await password()).toBe('token-2');
    expect(issued).toHaveLength(2);
    expect(typeof poolConfig({ ...settings, entraAuth: true }, tokens).password).toBe('function');
    expect(() => poolConfig({ ...settings, entraAuth: true })).toThrow(/needs an Azure identity/);
  });
});

describeOnPostgres('PostgreSQL state', () => {
  let scratch: { url: string; drop: () => Promise<void> };
  let pools: Pool[];
  const pool = () => {
    const p = new Pool({ connectionString: scratch.url, max: 4 });
    // The scratch database is dropped WITH (FORCE) after each test: connections it ends then, idle or just given back, are expected to go.
    p.on('error', () => undefined);
    p.on('connect', (client) => client.on('error', () => undefined));
    pools.push(p);
    return p;
  };
  beforeEach(async () => {
    scratch = await scratchDatabase();
    pools = [];
  });
  afterEach(async () => {
    await Promise.all(pools.map((p) => p.end()));
    await scratch.drop();
  });

  test('replicas starting together migrate once, under the advisory lock', async () => {
    const results = await Promise.all([migratePostgres(pool(), POSTGRES_MIGRATIONS), migratePostgres(pool(), POSTGRES_MIGRATIONS)]);
    expect(results.map((ids) => ids.length).sort()).toEqual([0, POSTGRES_MIGRATIONS.length]);
    expect(await migratePostgres(pool(), POSTGRES_MIGRATIONS)).toEqual([]);
  });

  test('a database migrated by a newer FleetOps stops the start with one clear line, changing nothing', async () => {
    const p = pool();
    await migratePostgres(p, POSTGRES_MIGRATIONS);
    await p.query("INSERT INTO schema_migrations (id) VALUES ('9999-from-the-future')");
    await expect(migratePostgres(p, [...POSTGRES_MIGRATIONS, { id: '0500-new', sql: 'CREATE TABLE should_not_exist (x int)' }])).rejects.toThrow(
      new PostgresStateError(
        'The PostgreSQL database was migrated by a newer FleetOps (it has migration 9999-from-the-future, which this version does not know): deploy that newer version, or point DATABASE_URL at another database. Nothing was changed.',
      ),
    );
    expect((await p.query("SELECT to_regclass('should_not_exist') AS t")).rows[0].t).toBeNull();
  });

  test('outbox: two replicas draining at once take different rows; a dead replica’s rows are due again when its lease ends', async () => {
    const p = pool();
    await migratePostgres(p, POSTGRES_MIGRATIONS);
    const replicaA = new PostgresOutboxRepository(new PostgresDatabase(pool()), undefined, 30_000);
    const replicaB = new PostgresOutboxRepository(new PostgresDatabase(pool()), undefined, 30_000);
    for (let i = 0; i < 40; i++) await replicaA.enqueue(`c${i % 4}`, `alert:${i}`, { text: String(i) }, 1_000);
    const [a, b] = await Promise.all([replicaA.due(2_000, 25), replicaB.due(2_000, 25)]);
    const ids = [...a, ...b].map((item) => item.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(40);

    // Replica A dies holding its rows: nothing of them is due before the lease ends, all of them after.
    for (const item of b) await replicaB.complete(item);
    expect(await replicaB.due(31_999, 100)).toEqual([]);
    expect(await replicaB.nextDueAfter(2_000)).toBe(32_000);
    expect((await replicaB.due(32_000, 100)).map((item) => item.id).sort()).toEqual(a.map((item) => item.id).sort());
  });

  test('outbox: a replica still sending renews its rows’ lease, so a survivor does not send them too; the default lease ends within the failover target', async () => {
    const p = pool();
    await migratePostgres(p, POSTGRES_MIGRATIONS);
    expect(OUTBOX_LEASE_MS).toBeLessThanOrEqual(10_000);
    const sending = new PostgresOutboxRepository(new PostgresDatabase(pool()));
    const survivor = new PostgresOutboxRepository(new PostgresDatabase(pool()));
    await sending.enqueue('c1', 'alert:1', { text: 'slow' }, 0);
    const [item] = await sending.due(1_000, 10);
    // The connector is slow: at 8 s the sender renews (its pass renews every 3 s).
    await sending.extendLease([item!], 8_000);
    expect(await survivor.due(1_000 + OUTBOX_LEASE_MS, 10)).toEqual([]);
    expect(await survivor.nextDueAfter(1_000 + OUTBOX_LEASE_MS)).toBe(8_000 + OUTBOX_LEASE_MS);
    // The sender dies: no more renewals; the survivor has the row when the last lease ends.
    expect((await survivor.due(8_000 + OUTBOX_LEASE_MS, 10)).map((i) => i.id)).toEqual([item!.id]);
  });

  test("send windows: a take that waited for another replica's lock records the time it got the lock, not the time it asked", async () => {
    const p = pool();
    await migratePostgres(p, POSTGRES_MIGRATIONS);
    const limits = { conversation: [{ limit: 1, windowMs: 1_000 }], tenant: [{ limit: 50, windowMs: 1_000 }], marginMs: 0 };
    const replica = new PostgresSendRateLimits(new PostgresDatabase(pool()), limits);
    // Another replica holds the tenant's lock (a take of its own, mid-transaction).
    const other = await p.connect();
    await other.query('BEGIN');
    await other.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [SEND_LOG_LOCK, 't:tenant-1']);
    let clock = 10_000;
    const taking = replica.take('conv-1', 'tenant-1', () => clock);
    await new Promise((resolve) => setTimeout(resolve, 200));
    clock = 10_600; // the lock was held this long
    await other.query('COMMIT');
    other.release();
    expect(await taking).toBe(0);
    // Recorded at 10,600: the conversation's 1-per-second window is full until 11,600.
    expect(await replica.take('conv-1', 'tenant-1', () => 11_500)).toBe(100);
  });

  test('a replica keeps subscriptions and silences between transactions; a transaction sees what was committed before it began, on any replica, and its own writes', async () => {
    const p = pool();
    await migratePostgres(p, POSTGRES_MIGRATIONS);
    const [dbA, dbB] = [new PostgresDatabase(pool()), new PostgresDatabase(pool())];
    const [subsA, subsB] = [new PostgresSubscriptionRepository(dbA), new PostgresSubscriptionRepository(dbB)];
    const [alertsA, alertsB] = [new PostgresAlertRepository(dbA), new PostgresAlertRepository(dbB)];
    const now = new Date('2026-12-06T10:00:00Z');
    const inTransaction = <T>(db: PostgresDatabase, work: () => Promise<T>) => db.unitOfWork.run(work);
    const alertTopic = async () => (await inTransaction(dbB, () => subsB.listForTopic('alerts'))).map((s) => s.filter);
    const silencedRules = async (at = now) =>
      inTransaction(dbB, async () => ({
        active: (await alertsB.activeSilences(at)).map((s) => s.rule),
        found: (await alertsB.findSilence('r1', 'd1', at))?.until,
      }));

    await subsA.add({ conversationId: 'c1', topic: 'alerts', filter: 'sev<=2', createdBy: 'Ana' });
    expect(await alertTopic()).toEqual(['sev<=2']);
    await alertsA.addSilence({ rule: 'r1', target: 'd1', until: '2026-12-06T11:00:00.000Z', createdBy: 'Ana', createdAt: now.toISOString() });
    expect(await silencedRules()).toEqual({ active: ['r1'], found: '2026-12-06T11:00:00.000Z' });

    // Served from B's copy: a change no trigger counts (replication role) is not seen...
    await p.query(
      "SET session_replication_role = replica; UPDATE subscriptions SET filter = 'uncounted'; DELETE FROM alert_silences; RESET session_replication_role",
    );
    expect(await alertTopic()).toEqual(['sev<=2']);
    expect(await silencedRules()).toEqual({ active: ['r1'], found: '2026-12-06T11:00:00.000Z' });
    // ...while every counted change on A is seen by B's next transaction.
    await subsA.add({ conversationId: 'c2', topic: 'alerts', filter: '', createdBy: 'Ana' });
    expect(await alertTopic()).toEqual(['uncounted', '']);
    await alertsA.addSilence({ rule: 'r2', target: 'd1', until: '2026-12-06T12:00:00.000Z', createdBy: 'Ana', createdAt: now.toISOString() });
    expect(await silencedRules()).toEqual({ active: ['r2'], found: undefined });
    // A silence ends while the copy is kept; a batch on a clock before the copy's reach reads the table.
    expect(await silencedRules(new Date('2026-12-06T12:30:00Z'))).toEqual({ active: [], found: undefined });
    expect(await silencedRules(new Date('2026-12-06T08:00:00Z'))).toEqual({ active: ['r2'], found: undefined });

    // A transaction sees its own write; a rolled-back one leaves nothing in any copy.
    await expect(
      inTransaction(dbB, async () => {
        await subsB.remove('c1', 'alerts');
        expect((await subsB.listForTopic('alerts')).map((s) => s.filter)).toEqual(['']);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await alertTopic()).toEqual(['uncounted', '']);
    expect((await inTransaction(dbA, () => subsA.listForTopic('alerts'))).map((s) => s.filter)).toEqual(['uncounted', '']);
  });
});
