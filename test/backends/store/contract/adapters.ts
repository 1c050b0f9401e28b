import { openDatabase } from '../../../../backends/store/sqlite/database';
import { ALL_MIGRATIONS } from '../../../../backends/store/sqlite/migrations';
import { DEPLOYMENT_MIGRATIONS, sqliteDeploymentRepository } from '../../../../backends/store/sqlite/deployments';
import { sqliteConversationRepository } from '../../../../backends/store/sqlite/conversations';
import { sqliteSubscriptionRepository } from '../../../../backends/store/sqlite/subscriptions';
import { sqliteAuditLog } from '../../../../backends/store/sqlite/audit';
import { sqliteOutboxRepository } from '../../../../backends/store/sqlite/outbox';
import { alertMigrations, sqliteAlertRepository } from '../../../../backends/store/sqlite/alerts';
import { rolloutMigrations, sqliteRolloutRepository } from '../../../../backends/store/sqlite/rollouts';
import { oncallMigrations, sqliteOnCallStore } from '../../../../backends/store/sqlite/oncall';
import { SqliteUnitOfWork } from '../../../../backends/store/sqlite/unit-of-work';
import { openPostgresState } from '../../../../backends/store/postgres';
import type { AuditLog } from '../../../../core/audit/audit-log';
import type { AlertRepository } from '../../../../core/alerts/repository';
import type { RolloutRepository } from '../../../../core/rollouts/repository';
import type { ConversationRepository } from '../../../../core/conversations/conversation';
import type { SubscriptionRepository } from '../../../../core/conversations/subscription';
import type { DeploymentRepository } from '../../../../core/deployments/repository';
import type { OutboxRepository } from '../../../../core/notifications/outbox';
import type { OnCallStore } from '../../../../core/oncall/repository';
import type { UnitOfWork } from '../../../../core/unit-of-work';
import type { JobLeases } from '../../../../core/scheduling/job-leases';
import type { SendLimits, SendRateLimits } from '../../../../core/notifications/send-rate-limits';
import { sqliteJobLeases } from '../../../../backends/store/sqlite/job-leases';
import { sqliteSendRateLimits } from '../../../../backends/store/sqlite/send-log';
import { PostgresJobLeases } from '../../../../backends/store/postgres/job-leases';
import { PostgresSendRateLimits } from '../../../../backends/store/postgres/send-log';
import { PostgresAlertRepository } from '../../../../backends/store/postgres/alerts';
import { createPool } from '../../../../backends/store/postgres/connection';
import { PostgresDatabase } from '../../../../backends/store/postgres/database';
import { scratchDatabase, testPostgresUrl } from '../../../support/postgres';

/** The store's ports, as each adapter builds them: what the contract suite runs against. */
export interface StoreUnderTest {
  readonly unitOfWork: UnitOfWork;
  readonly conversations: ConversationRepository;
  readonly subscriptions: SubscriptionRepository;
  readonly audit: AuditLog;
  readonly outbox: OutboxRepository;
  readonly deployments: DeploymentRepository;
  readonly alerts: AlertRepository;
  readonly rollouts: RolloutRepository;
  /** Job leases judging expiry on `now` (epoch ms), so tests move time by hand; each call is another handle on the same table. */
  jobLeases(now: () => number): JobLeases;
  /** Teams' windows in the store's send log, with these limits. */
  sendLimits(limits?: SendLimits): SendRateLimits;
  readonly oncall: OnCallStore;
  /**
   * The alerts store as another replica has it, with its own unit of work: on PostgreSQL another
   * PostgresDatabase (its own pool and its own copies of the silences) on the same database; on
   * SQLite, which one process owns, another repository on the same connection.
   */
  alertsReplica(): { readonly alerts: AlertRepository; readonly unitOfWork: UnitOfWork };
  close(): Promise<void>;
}

/** The stamps the stores write (updated_at, sent_at), fixed so both adapters show the same. */
export const STORE_CLOCK = new Date('2026-03-01T04:05:06.000Z');

export interface Adapter {
  readonly name: string;
  open(): Promise<StoreUnderTest>;
}

const sqlite: Adapter = {
  name: 'SQLite',
  async open() {
    const db = openDatabase(':memory:', [...ALL_MIGRATIONS, ...DEPLOYMENT_MIGRATIONS, ...alertMigrations, ...rolloutMigrations, ...oncallMigrations]);
    return {
      unitOfWork: new SqliteUnitOfWork(db),
      conversations: sqliteConversationRepository(db),
      subscriptions: sqliteSubscriptionRepository(db),
      audit: sqliteAuditLog(db, () => STORE_CLOCK),
      outbox: sqliteOutboxRepository(db, () => STORE_CLOCK),
      deployments: sqliteDeploymentRepository(db),
      alerts: sqliteAlertRepository(db),
      rollouts: sqliteRolloutRepository(db),
      jobLeases: (now) => sqliteJobLeases(db, now),
      sendLimits: (limits) => sqliteSendRateLimits(db, limits),
      oncall: sqliteOnCallStore(db, () => STORE_CLOCK),
      alertsReplica: () => ({ alerts: sqliteAlertRepository(db), unitOfWork: new SqliteUnitOfWork(db) }),
      close: async () => void db.close(),
    };
  },
};

const postgres: Adapter = {
  name: 'PostgreSQL',
  async open() {
    const scratch = await scratchDatabase();
    const settings = { url: scratch.url, entraAuth: false, poolMax: 5, statementTimeoutMs: 10_000 };
    const state = await openPostgresState(settings, { now: () => STORE_CLOCK });
    const replicas: PostgresDatabase[] = [];
    return {
      ...state,
      jobLeases: (now) => new PostgresJobLeases(state.db, now),
      sendLimits: (limits) => new PostgresSendRateLimits(state.db, limits),
      alertsReplica() {
        const db = new PostgresDatabase(createPool({ ...settings, poolMax: 2 }));
        replicas.push(db);
        return { alerts: new PostgresAlertRepository(db), unitOfWork: db.unitOfWork };
      },
      close: async () => {
        await Promise.all(replicas.map((db) => db.close()));
        await state.close();
        await scratch.drop();
      },
    };
  },
};

/** SQLite always; PostgreSQL when the global setup found a server (else it printed the one skip line). */
export const ADAPTERS: readonly Adapter[] = testPostgresUrl() ? [sqlite, postgres] : [sqlite];
