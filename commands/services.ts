import type { Clock } from '../core/clock';
import type { AccessPolicy } from '../core/access/policy';
import type { AuditLog } from '../core/audit/audit-log';
import type { ConversationRepository } from '../core/conversations/conversation';
import type { SubscriptionRepository } from '../core/conversations/subscription';
import type { Notifier } from '../core/notifications/notifier';
import type { AppConfig } from '../core/config/config';
import type { CommandRegistry } from './registry';
import type { OutboxRepository } from '../core/notifications/outbox';

/**
 * The foundation's services: what the dispatcher and the foundation's commands (help,
 * whoami, subscriptions, audit, delivery) use. Built once by bot/server.ts; every field is
 * there. A feature's services are not here: its commands get them bound as their
 * dependencies (bot/features/feature.ts).
 */
export interface Services {
  readonly config: AppConfig;
  readonly clock: Clock;
  readonly access: AccessPolicy;
  readonly registry: CommandRegistry;
  readonly conversations: ConversationRepository;
  readonly subscriptions: SubscriptionRepository;
  readonly notifier: Notifier;
  readonly audit: AuditLog;
  /** The URL this bot listens on (e.g. http://127.0.0.1:3978), for replies that tell where to post webhooks locally. */
  readonly selfUrl: string;
  /** Outbox health for `delivery`. */
  readonly delivery: Pick<OutboxRepository, 'pendingCount' | 'deadLetters'>;
}
