import { PostgresAlertRepository } from './alerts';
import { PostgresAuditLog } from './audit';
import { createPool, type PostgresSettings } from './connection';
import { PostgresConversationRepository } from './conversations';
import { PostgresDatabase } from './database';
import { PostgresDeploymentRepository } from './deployments';
import { azureIdentityTokens, type TokenSource } from './entra-password';
import { migratePostgres } from './migrate';
import { postgresOnCallStore } from './oncall';
import { PostgresOutboxRepository } from './outbox';
import { PostgresRolloutRepository } from './rollouts';
import { POSTGRES_MIGRATIONS } from './schema';
import { PostgresSubscriptionRepository } from './subscriptions';

export type PostgresState = Awaited<ReturnType<typeof openPostgresState>>;

/**
 * Connects (TLS and Entra ID as the settings say), migrates under the advisory lock, and
 * returns the repositories on one pool. Fails with one line when the database is newer
 * than this code or cannot be reached.
 */
export async function openPostgresState(settings: PostgresSettings, options: { tokens?: TokenSource; now?: () => Date } = {}) {
  const tokens = settings.entraAuth ? (options.tokens ?? (await azureIdentityTokens())) : undefined;
  const pool = createPool(settings, tokens);
  const db = new PostgresDatabase(pool);
  try {
    await migratePostgres(pool, POSTGRES_MIGRATIONS);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  return {
    db,
    unitOfWork: db.unitOfWork,
    conversations: new PostgresConversationRepository(db),
    subscriptions: new PostgresSubscriptionRepository(db),
    audit: new PostgresAuditLog(db, options.now),
    outbox: new PostgresOutboxRepository(db, options.now),
    deployments: new PostgresDeploymentRepository(db),
    alerts: new PostgresAlertRepository(db),
    rollouts: new PostgresRolloutRepository(db),
    oncall: postgresOnCallStore(db, options.now),
    close: () => db.close(),
  };
}
