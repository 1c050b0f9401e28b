import type { Router } from 'express';
import type { AppConfig } from '../../core/config/config';
import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/logger';
import type { Migration, SqliteDatabase } from '../../backends/store/sqlite/database';
import type { CommandSpec, CardActionSpec } from '../../commands/spec';
import type { Services } from '../../commands/services';
import type { Notifier } from '../../core/notifications/notifier';
import type { SubscriptionRepository } from '../../core/conversations/subscription';
import type { AuditLog } from '../../core/audit/audit-log';
import type { Telemetry } from '../../core/ports/telemetry';
import type { UnitOfWork } from '../../core/unit-of-work';
import type { StateStores } from '../state';
import type { Scheduler } from '../../core/scheduling/scheduler';

/**
 * What the composition root gives every feature. Features are built in order
 * (fleet, logs, alerts, rollouts, deployments); `previous` holds the services the
 * earlier ones exposed, so rollouts can use the fleet client, alerts the logs client.
 */
export interface FeatureDeps {
  readonly config: AppConfig;
  readonly clock: Clock;
  readonly log: Logger;
  readonly db: SqliteDatabase;
  /** Makes a group of store writes atomic and durable (the outbox's included). */
  readonly unitOfWork: UnitOfWork;
  /** The state's repositories, on SQLite or PostgreSQL as configured. */
  readonly stores: StateStores;
  /** The one way to run timed work: named jobs, on one replica (under a lease) or on each (core/scheduling). */
  readonly scheduler: Scheduler;
  readonly notifier: Notifier;
  readonly subscriptions: SubscriptionRepository;
  readonly audit: AuditLog;
  readonly telemetry: Telemetry;
  /** The bot's own base URL (e.g. http://127.0.0.1:3978), for local adapters posting to its webhooks. */
  readonly selfUrl: string;
  /** Services built by earlier features (e.g. `fleet`, `logs`). */
  readonly previous: Partial<Services>;
}

/**
 * A feature plugs into the bot through this one shape: its tables, its commands and
 * card actions, its HTTP routes, its services for commands, and its background work.
 */
export interface Feature {
  readonly name: string;
  readonly commands?: readonly CommandSpec[];
  readonly actions?: readonly CardActionSpec[];
  /** Mounted at `path` on the bot's HTTP server (e.g. '/api/alerts'). */
  readonly routes?: ReadonlyArray<{ path: string; router: Router }>;
  /** Added to the turn's `services` (keys must match the optional fields of Services). */
  readonly services?: Partial<Services>;
  /** Validates subscription filters of the topic this feature owns; returns a problem or undefined. */
  readonly validateSubscriptionFilter?: { topic: 'alerts' | 'deployments' | 'rollouts'; validate(filter: string): string | undefined };
  /**
   * What someone trying FleetOps locally needs to post test events to this feature's webhook
   * (variable name → value, e.g. a token generated for this run). Only used in local mode:
   * printed in the start banner and saved for `fleetops send`.
   */
  readonly localSecrets?: Readonly<Record<string, string>>;
  /** Background work (jobs, simulator); called once the HTTP server listens. */
  start?(): Promise<void>;
  /** Stop timers, flush, close files. Called in reverse order on shutdown. */
  stop?(): Promise<void>;
  /** For /readyz: throws or returns a problem string when not ready. */
  ready?(): Promise<string | undefined>;
}

/**
 * A feature module. What is static is declared here, so it is known without starting
 * anything (the Teams manifest's command menu is built from it): its tables, its commands
 * and card actions. The rest is built with deps.
 */
export interface FeatureModule {
  readonly name: string;
  readonly migrations?: readonly Migration[];
  readonly commands?: readonly CommandSpec[];
  readonly actions?: readonly CardActionSpec[];
  create(deps: FeatureDeps): Promise<Feature>;
}
