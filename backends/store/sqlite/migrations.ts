import { auditMigrations } from './audit';
import { conversationMigrations } from './conversations';
import type { Migration } from './database';
import { jobLeaseMigrations } from './job-leases';
import { outboxMigrations } from './outbox';
import { sendLogMigrations } from './send-log';
import { subscriptionMigrations } from './subscriptions';

/**
 * Every table of the bot's state, in one list. Each feature owns a range of ids:
 * 00xx foundation, 01xx fleet, 02xx alerts, 03xx rollouts, 04xx deployments.
 */
export const ALL_MIGRATIONS: readonly Migration[] = [
  ...conversationMigrations,
  ...subscriptionMigrations,
  ...auditMigrations,
  ...outboxMigrations,
  ...jobLeaseMigrations,
  ...sendLogMigrations,
];
