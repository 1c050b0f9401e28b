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
  readonly oncall: OnCallStore;
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
      oncall: sqliteOnCallStore(db, () => STORE_CLOCK),
      close: async () => void db.close(),
    };
  },
};

const postgres: Adapter = {
  name: 'PostgreSQL',
  async open() {
    const scratch = await scratchDatabase();
    const state = await openPostgresState({ url: scratch.url, entraAuth: false, poolMax: 5, statementTimeoutMs: 10_000 }, { now: () => STORE_CLOCK });
    return {
      ...state,
      close: async () => {
        await state.close();
        await scratch.drop();
      },
    };
  },
};

/** SQLite always; PostgreSQL when the global setup found a server (else it printed the one skip line). */
export const ADAPTERS: readonly Adapter[] = testPostgresUrl() ? [sqlite, postgres] : [sqlite];
