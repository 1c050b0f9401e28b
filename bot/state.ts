import path from 'node:path';
import type { AppConfig } from '../core/config/config';
import type { Clock } from '../core/clock';
import type { AlertRepository } from '../core/alerts/repository';
import type { AuditLog } from '../core/audit/audit-log';
import type { ConversationRepository } from '../core/conversations/conversation';
import type { SubscriptionRepository } from '../core/conversations/subscription';
import type { DeploymentRepository } from '../core/deployments/repository';
import type { OutboxRepository } from '../core/notifications/outbox';
import type { RolloutRepository } from '../core/rollouts/repository';
import type { UnitOfWork } from '../core/unit-of-work';
import type { JobLeases } from '../core/scheduling/job-leases';
import type { SendRateLimits } from '../core/notifications/send-rate-limits';
import { sqliteJobLeases } from '../backends/store/sqlite/job-leases';
import { sqliteSendRateLimits } from '../backends/store/sqlite/send-log';
import { openDatabase, type Migration, type SqliteDatabase } from '../backends/store/sqlite/database';
import { ALL_MIGRATIONS } from '../backends/store/sqlite/migrations';
import { sqliteConversationRepository } from '../backends/store/sqlite/conversations';
import { sqliteSubscriptionRepository } from '../backends/store/sqlite/subscriptions';
import { sqliteAuditLog } from '../backends/store/sqlite/audit';
import { sqliteOutboxRepository } from '../backends/store/sqlite/outbox';
import { sqliteAlertRepository } from '../backends/store/sqlite/alerts';
import { sqliteRolloutRepository } from '../backends/store/sqlite/rollouts';
import { sqliteDeploymentRepository } from '../backends/store/sqlite/deployments';
import { SqliteUnitOfWork } from '../backends/store/sqlite/unit-of-work';
import { openPostgresState, type PostgresState } from '../backends/store/postgres';
import { PostgresAuditLog } from '../backends/store/postgres/audit';
import { postgresOnCallStore } from '../backends/store/postgres/oncall';
import { claimSingleReplica } from '../backends/store/postgres/single-replica';
import { sqliteOnCallStore } from '../backends/store/sqlite/oncall';
import type { OnCallStore } from '../core/oncall/repository';

/**
 * The bot's state, on the adapter the configuration chose: PostgreSQL with DATABASE_URL
 * (several replicas), else SQLite in DATA_DIR (one process). `local` is the SQLite file
 * DATA_DIR/fleetops.sqlite: the whole state without DATABASE_URL; with it, only the local
 * fleet registry of the embedded world (FLEETOPS_SINGLE_REPLICA=on, one process). With
 * DATABASE_URL and the production backends there is no such file: nothing shared may live
 * on one replica's disk.
 */
export interface StateStores {
  readonly kind: 'sqlite' | 'postgres';
  readonly local?: SqliteDatabase;
  readonly unitOfWork: UnitOfWork;
  readonly conversations: ConversationRepository;
  readonly subscriptions: SubscriptionRepository;
  readonly audit: AuditLog;
  readonly outbox: OutboxRepository;
  /** Who runs each 'on-one-replica' job (core/scheduling). */
  readonly jobLeases: JobLeases;
  /** Teams' windows, for every replica together. */
  readonly sendLimits: SendRateLimits;
  /** Built on first use: a feature that is not loaded has no tables to prepare statements on. */
  alerts(): AlertRepository;
  rollouts(): RolloutRepository;
  deployments(): DeploymentRepository;
  oncall(): OnCallStore;
  /** Runs `callback` when what was written on this path is visible to other connections (wakes the outbox sender). */
  afterCommit(callback: () => void): void;
  /** For /readyz. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

const once = <T>(make: () => T): (() => T) => {
  let value: T | undefined;
  return () => (value ??= make());
};

/** Only the embedded fleet needs the SQLite file once the state is on PostgreSQL (readConfig allows it for one process only). */
export const needsLocalDatabase = (config: AppConfig): boolean => !config.database || config.fleetBackend === 'local';

export async function openStateStores(config: AppConfig, migrations: readonly Migration[], clock: Clock): Promise<StateStores> {
  const openLocal = () => openDatabase(path.join(config.dataDir, 'fleetops.sqlite'), [...ALL_MIGRATIONS, ...migrations]);
  if (!config.database) {
    const local = openLocal();
    // Units of work share their disk flushes (group commit); checkpoints run on the alerts feature's thread.
    const unitOfWork = new SqliteUnitOfWork(local);
    return {
      kind: 'sqlite',
      local,
      unitOfWork,
      conversations: sqliteConversationRepository(local),
      subscriptions: sqliteSubscriptionRepository(local),
      audit: sqliteAuditLog(local, () => clock.now()),
      // The outbox runs on the machine's clock, as its sender does: Teams' rate windows and
      // Retry-After are real time, whatever clock the domain runs on (tests move theirs).
      outbox: sqliteOutboxRepository(local),
      jobLeases: sqliteJobLeases(local),
      sendLimits: sqliteSendRateLimits(local),
      alerts: once(() => sqliteAlertRepository(local)),
      rollouts: once(() => sqliteRolloutRepository(local)),
      deployments: once(() => sqliteDeploymentRepository(local)),
      oncall: once(() => sqliteOnCallStore(local, () => clock.now())),
      // One connection: the sender's reads wait at the gate until the unit of work commits.
      afterCommit: (callback) => callback(),
      ping: async () => local.prepare('SELECT 1').pluck().get() === 1,
      close: async () => void local.close(),
    };
  }
  const pg: PostgresState = await openPostgresState(config.database);
  let releaseSingleReplica: (() => Promise<void>) | undefined;
  let local: SqliteDatabase | undefined;
  try {
    if (config.database.singleReplica) releaseSingleReplica = await claimSingleReplica(pg.db.pool);
    if (needsLocalDatabase(config)) local = openLocal();
  } catch (error) {
    await releaseSingleReplica?.();
    await pg.close();
    throw error;
  }
  const audit = new PostgresAuditLog(pg.db, () => clock.now());
  const oncall = postgresOnCallStore(pg.db, () => clock.now());
  return {
    kind: 'postgres',
    local,
    unitOfWork: pg.unitOfWork,
    conversations: pg.conversations,
    subscriptions: pg.subscriptions,
    audit,
    outbox: pg.outbox,
    jobLeases: pg.jobLeases,
    sendLimits: pg.sendLimits,
    alerts: () => pg.alerts,
    rollouts: () => pg.rollouts,
    deployments: () => pg.deployments,
    oncall: () => oncall,
    afterCommit: (callback) => pg.db.afterCommit(callback),
    ping: async () => (await pg.db.query<{ one: number }>('SELECT 1 AS one'))[0]?.one === 1,
    close: async () => {
      await releaseSingleReplica?.();
      await pg.close();
      local?.close();
    },
  };
}
