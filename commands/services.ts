import type { Clock } from '../core/clock';
import type { AccessPolicy } from '../core/access/policy';
import type { AuditLog } from '../core/audit/audit-log';
import type { ConversationRepository } from '../core/conversations/conversation';
import type { SubscriptionRepository } from '../core/conversations/subscription';
import type { Notifier } from '../core/notifications/notifier';
import type { AppConfig } from '../core/config/config';
import type { CommandRegistry } from './registry';
import type { LogsClient } from '../core/ports/logs';
import type { OutboxRepository } from '../core/notifications/outbox';
import type { AlertService } from '../core/alerts/service';
import type { FleetClient } from '../core/ports/fleet';
import type { DeploymentService } from '../core/deployments/service';
import type { RolloutService } from '../core/rollouts/service';
import type { FirmwareCatalog } from '../core/ports/feed';
import type { OnCallService } from '../core/oncall/service';
import type { Escalator } from '../core/oncall/escalator';
import type { AlertRoutedListener } from '../core/alerts/ingest';
import type { AlertRecord } from '../core/alerts/alert';

/**
 * The ports and domain services a turn can use. Built once by bot/main.ts (the
 * composition root). Domain services are added as their features land; a command whose
 * service is missing says so instead of failing.
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
  readonly selfUrl?: string;
  /** KQL log search: Log Analytics or the embedded DuckDB store (commands/logs.ts). */
  readonly logs?: LogsClient;
  /** Outbox health for `delivery`. */
  readonly delivery?: Pick<OutboxRepository, 'pendingCount' | 'deadLetters'>;
  /** Alerts: open alerts, acknowledge/close/silence (commands/alerts.ts); `openForDevice` for the status card. */
  readonly alerts?: AlertService;
  /** Deployments: pipeline runs from Azure DevOps service hooks, approvals from cards (commands/deployments.ts). */
  readonly deployments?: DeploymentService;
  /** Fleet: device registry and twins (IoT Hub or the local simulated registry). */
  readonly fleet?: FleetClient;
  /** Firmware rollouts: plan, waves, gates (commands/rollouts.ts); `membershipOf` for the status card. */
  readonly rollouts?: RolloutService;
  /** The firmware catalog (Azure Artifacts or the local catalog). */
  readonly feed?: FirmwareCatalog;
  /** On call: rotations, overrides, maintenance windows, alert timelines (commands/oncall.ts, commands/maintenance.ts). */
  readonly oncall?: OnCallService;
  /** Listeners to fired alerts' new cards (the alerts feature calls them; on call starts paging from them). */
  /** On-call paging: Escalate and notes from cards and commands (commands/oncall-alert.ts). */
  readonly escalator?: Escalator;
  readonly alertRouted?: {
    add(listener: AlertRoutedListener): void;
    hold(held: (record: AlertRecord) => boolean): void;
    release(alertId: string): Promise<number>;
  };
  // Domain services: each feature adds its optional field here (fleet, logs, alerts, rollouts, deployments).
}
