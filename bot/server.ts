import { randomBytes } from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import { readConfig, type AppConfig } from '../core/config/config';
import { AccessPolicy } from '../core/access/policy';
import { systemClock, type Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { OutboxNotifier } from '../core/notifications/outbox-notifier';
import { OutboxSender, type OutboxSenderOptions } from '../core/notifications/outbox-sender';
import type { ChannelClient } from '../core/notifications/channel';
import type { SqliteDatabase } from '../backends/store/sqlite/database';
import { openStateStores } from './state';
import { hasSecretReferences, resolveSecretReferences } from '../backends/secrets/resolve';
import type { SecretClientPort } from '../core/ports/secrets';
import { noTelemetry } from '../backends/telemetry/none';
import { createAppInsightsTelemetry } from '../backends/telemetry/appinsights';
import type { Telemetry } from '../core/ports/telemetry';
import { CommandRegistry } from '../commands/registry';
import type { Services } from '../commands/services';
import { OutboxDrainJob } from '../jobs/outbox-drain';
import { LeasedScheduler } from '../core/scheduling/scheduler';
import { realTimers, type Timers } from '../core/scheduling/timers';
import { createLogger } from './logger';
import { createHttpApp, mountFallbacks, mountReadiness } from './http-server';
import type { CloudEnvironment } from '@microsoft/teams.api';
import { createTeamsApp } from './teams-app';
import { TeamsChannelClient } from './channel-client';
import { arrangeCommands, foundationActions, foundationCommands } from './commands';
import { composeFeatures, type ComposedFeatures } from './compose';
import { FEATURE_MODULES } from './features';
import type { Feature, Platform } from './features/feature';
import { PLAYGROUND_RELEASE_LEAD } from './local-defaults';
import { saveLocalWebhooks, type LocalWebhooks } from './local-webhooks';

export interface StartOptions {
  /** Overrides for tests: a fake clock, a channel double, quieter logs, other features. */
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly channel?: ChannelClient;
  readonly secrets?: SecretClientPort;
  readonly features?: readonly Feature[];
  readonly outbox?: OutboxSenderOptions;
  /** The scheduler's time (tests: ManualTimers); real timers by default. */
  readonly timers?: Timers;
  /** The Bot Framework endpoints (token issuer, signing keys, login): tests point them at local stand-ins. */
  readonly botCloud?: CloudEnvironment;
}

export interface RunningBot {
  readonly url: string;
  readonly config: AppConfig;
  /** The foundation's services (what every turn has). */
  readonly services: Services;
  /** What a feature provides, when it is part of this bot (tests read the services through it). */
  readonly provided: ComposedFeatures['provided'];
  /** DATA_DIR/fleetops.sqlite; absent on PostgreSQL with the production backends (bot/state.ts). */
  readonly db?: SqliteDatabase;
  readonly log: Logger;
  /** Local mode only: where the webhooks listen and the secrets a test event needs (also in DATA_DIR/local-webhooks.json). */
  readonly localWebhooks?: LocalWebhooks;
  /** Drains the outbox (up to `drainTimeoutInMs`), stops features, closes the stores. */
  stop(drainTimeoutInMs?: number): Promise<void>;
}

/** Reads config (resolving Key Vault references first), then builds and starts everything. */
export async function startFleetOps(env: Readonly<Record<string, string | undefined>>, options: StartOptions = {}): Promise<RunningBot> {
  let config = readConfig(env);
  if (config.keyVaultUrl && hasSecretReferences(env)) {
    const { KeyVaultSecrets } = require('../backends/secrets/keyvault') as typeof import('../backends/secrets/keyvault');
    const secrets = options.secrets ?? new KeyVaultSecrets(config.keyVaultUrl);
    config = readConfig(await resolveSecretReferences(env, secrets));
  }
  return startWithConfig(config, options);
}

async function startWithConfig(config: AppConfig, options: StartOptions): Promise<RunningBot> {
  const clock = options.clock ?? systemClock;
  const log = options.logger ?? createLogger(config.logLevel);
  const telemetry: Telemetry = config.appInsightsConnectionString ? createAppInsightsTelemetry(config.appInsightsConnectionString) : noTelemetry;
  const modules = options.features ?? FEATURE_MODULES;

  // DATA_DIR holds alert payloads, conversation references, the audit and device logs. Files
  // that libraries create there (DuckDB's WAL comes and goes) must be the bot user's alone too.
  process.umask(0o077);
  const stores = await openStateStores(
    config,
    modules.flatMap((m) => m.migrations),
    clock,
  );
  const { local: db, unitOfWork, conversations, subscriptions, audit, outbox } = stores;
  log.info({ state: stores.kind }, stores.kind === 'postgres' ? 'state on PostgreSQL (DATABASE_URL)' : `state in SQLite (${db?.name})`);

  // Every timed job of every feature runs through this one scheduler; jobs that must run on one
  // replica only do so while this process holds their lease in the store (docs/architecture.md, Scheduling).
  const scheduler = new LeasedScheduler({
    leases: stores.jobLeases,
    holder: `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
    timers: options.timers ?? realTimers,
    log: log.child({ component: 'scheduler' }),
  });

  let wakeSender: () => void = () => undefined;
  const notifier = new OutboxNotifier(outbox, () => stores.afterCommit(() => wakeSender()));

  const access = new AccessPolicy(
    !config.bot && config.roles.admins.length + config.roles.releaseLeads.length + config.roles.operators.length === 0
      ? { admins: [], releaseLeads: [PLAYGROUND_RELEASE_LEAD.aadObjectId], operators: [] }
      : config.roles,
  );

  const expressApp = createHttpApp();
  const httpServer = http.createServer(expressApp);
  await listen(httpServer, config.port, config.host);
  const address = httpServer.address() as AddressInfo;
  const selfUrl = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

  const registry = new CommandRegistry();
  const services: Services = { config, clock, access, registry, conversations, subscriptions, notifier, audit, delivery: outbox, selfUrl };
  const platform = (feature: string): Platform => ({
    config,
    clock,
    log: log.child({ feature }),
    db,
    stores,
    scheduler,
    unitOfWork,
    notifier,
    subscriptions,
    audit,
    telemetry,
    selfUrl,
  });

  let composed: ComposedFeatures;
  try {
    composed = await composeFeatures(modules, platform);
  } catch (error) {
    await new Promise((resolve) => httpServer.close(resolve));
    await scheduler.stop();
    await stores.close();
    throw error;
  }
  const features = composed.running;
  for (const feature of features) for (const route of feature.routes ?? []) expressApp.use(route.path, route.router);
  const validators = new Map(
    features.flatMap((f) => (f.validateSubscriptionFilter ? [[f.validateSubscriptionFilter.topic, f.validateSubscriptionFilter.validate] as const] : [])),
  );
  for (const { command, group } of arrangeCommands(
    foundationCommands((topic, filter) => validators.get(topic)?.(filter)),
    composed.commands,
  ))
    registry.register(command, group);
  for (const action of [...foundationActions(), ...composed.actions]) registry.registerAction(action);

  const personalChatListeners = features.flatMap((f) => (f.onPersonalChat ? [f.onPersonalChat.bind(f)] : []));
  const onPersonalChat = async (keys: readonly string[], conversationId: string) => {
    for (const listener of personalChatListeners) await listener(keys, conversationId);
  };
  const teams = createTeamsApp({
    config,
    express: expressApp,
    services,
    onPersonalChat,
    log,
    telemetry,
    sendLimits: stores.sendLimits,
    cloud: options.botCloud,
  });
  await teams.initialize();

  mountReadiness(expressApp, {
    checks: [
      { name: 'store', check: async () => ((await stores.ping()) ? undefined : 'state store not answering') },
      ...features.filter((f) => f.ready).map((f) => ({ name: f.name, check: () => f.ready!() })),
    ],
  });
  mountFallbacks(expressApp, (error) => log.error({ err: String(error) }, 'HTTP request failed'));

  const channel = options.channel ?? new TeamsChannelClient(teams.client, config.bot?.clientId ?? 'fleetops');
  const sender = new OutboxSender(outbox, conversations, channel, log.child({ component: 'outbox' }), {
    rateLimits: stores.sendLimits,
    ...options.outbox,
  });
  const drainJob = new OutboxDrainJob(sender, log, scheduler);
  wakeSender = drainJob.wake;
  drainJob.start();
  // Conversations that went quiet keep their last hour of sends in the log until this forgets them.
  scheduler.add({
    name: 'send-log-prune',
    runs: 'on-one-replica',
    everyMs: 10 * 60_000,
    run: async () => void (await stores.sendLimits.prune(Date.now())),
  });

  for (const feature of features) await feature.start?.();
  const localWebhooks = config.bot ? undefined : saveLocalWebhooks(config.dataDir, selfUrl, features);

  let stopped = false;
  return {
    url: selfUrl,
    config,
    services,
    provided: composed.provided,
    db,
    log,
    localWebhooks,
    async stop(drainTimeoutInMs = 10_000) {
      if (stopped) return;
      stopped = true;
      for (const feature of [...features].reverse()) {
        await feature.stop?.().catch((error) => log.error({ err: String(error), feature: feature.name }, 'feature did not stop cleanly'));
      }
      const left = await drainJob.drain(drainTimeoutInMs, () => outbox.pendingCount());
      if (left > 0) log.warn({ pending: left }, 'stopping with messages still queued; they are sent after the next start');
      // Gives the leases back: another replica takes this one's jobs at its next renewal, not after the TTL.
      await scheduler.stop();
      await new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeAllConnections?.();
      });
      await telemetry.flush().catch(() => undefined);
      await stores.close();
    },
  };
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new Error(`Port ${port} on ${host} is already in use; stop the other process or set PORT to a free port`) : error);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
