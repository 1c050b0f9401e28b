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
import { sqliteOnCallStore } from '../backends/store/sqlite/oncall';
import type { OnCallStore } from '../core/oncall/repository';

/**
 * The bot's state, on the adapter the configuration chose: PostgreSQL with DATABASE_URL
 * (several replicas), else SQLite in DATA_DIR (one process). `local` is a SQLite file in
 * DATA_DIR either way: it holds what is local to a process by nature (the local fleet
 * registry of the embedded world).
 */
export interface StateStores {
  readonly kind: 'sqlite' | 'postgres';
  readonly local: SqliteDatabase;
  readonly unitOfWork: UnitOfWork;
  readonly conversations: ConversationRepository;
  readonly subscriptions: SubscriptionRepository;
  readonly audit: AuditLog;
  readonly outbox: OutboxRepository;
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

export async function openStateStores(config: AppConfig, migrations: readonly Migration[], clock: Clock): Promise<StateStores> {
  const local = openDatabase(path.join(config.dataDir, 'fleetops.sqlite'), [...ALL_MIGRATIONS, ...migrations]);
  if (!config.database) {
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
  let pg: PostgresState;
  try {
    pg = await openPostgresState(config.database);
  } catch (error) {
    local.close();
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
    alerts: () => pg.alerts,
    rollouts: () => pg.rollouts,
    deployments: () => pg.deployments,
    oncall: () => oncall,
    afterCommit: (callback) => pg.db.afterCommit(callback),
    ping: async () => (await pg.db.query<{ one: number }>('SELECT 1 AS one'))[0]?.one === 1,
    close: async () => {
      await pg.close();
      local.close();
    },
  };
}
