import { randomBytes } from 'node:crypto';
import { createAzureAlertStateClient, isAlertsManagementId } from '../../backends/alerts/azure-changestate';
import { LocalAlertStateClient, RoutingAlertStateClient } from '../../backends/alerts/local';
import type { AlertStateClient } from '../../core/ports/alerts';
import { alertMigrations } from '../../backends/store/sqlite/alerts';
import { SqliteUnitOfWork } from '../../backends/store/sqlite/unit-of-work';
import { WalCheckpointer } from '../../backends/store/sqlite/alerts-checkpointer';
import { alertEventCards } from '../broadcasts/alerts';
import { Broadcaster } from '../../core/notifications/broadcaster';
import { ALERT_ACTIONS, ALERT_COMMANDS } from '../../commands/alerts';
import type { Alert, AlertRecord } from '../../core/alerts/alert';
import type { AlertRoutedListener } from '../../core/alerts/ingest';
import { alertFilterRefusal } from '../../core/alerts/filter';
import { AlertIngestor } from '../../core/alerts/ingest';
import { IngestBatcher } from '../../core/alerts/ingest-batcher';
import { LOCAL_ALERT_PREFIX } from '../../core/alerts/local-rules';
import { AlertPublisher } from '../../core/alerts/publisher';
import { AlertService } from '../../core/alerts/service';
import type { StormPolicy } from '../../core/alerts/storm';
import type { AlertRepository, StormCursor } from '../../core/alerts/repository';
import { AlertRuleEvaluator } from '../../jobs/alert-rules';
import { loadAlertRules } from '../../sim/alert-rules';
import { jwksKeyGetter, type EntraTokenOptions } from '../webhooks/entra-token';
import { alertsWebhookRouter } from '../webhooks/alerts';
import { tagOf } from '../../core/fleet/twin-view';
import { DeviceSites } from '../../backends/fleet/device-sites';
import type { JobSpec, ScheduledJob } from '../../core/scheduling/scheduler';
import { defineFeature, type BuiltFeature, type Feature, type FeatureDeps } from './feature';
import type { Provided } from './provided';

/**
 * Alerts: Azure Monitor (or the local rules) → POST /api/alerts → stored → cards in
 * subscribed conversations, grouped into storm cards when too many arrive at once.
 *
 * Settings (readConfig: config.alerts): ALERTS_WEBHOOK_TOKEN (the `?token=` of plain webhooks; in
 * local mode a random one is made per run if unset), CLIENT_ID + TENANT_ID (accept
 * secure webhooks with Entra ID tokens), ALERTS_STORM_THRESHOLD (K, default 5),
 * ALERTS_STORM_WINDOW_SECONDS (W, default 60), ALERT_RULES=on|off (local rules, default on
 * with FLEET_BACKEND=local), ALERT_RULES_FILE (default sim/alert-rules.yaml).
 * Uses the fleet (an alert's site from its device's tags; the local rules) and logs (the local
 * rules' queries) when they are there.
 */
// Teams lets a conversation take about one update per second in a burst (8/2 s, 60/30 s): rendering more often is wasted.
const STORM_FLUSH_MS = 1_000;
const STORM_FLUSH_CHUNK = 4;

export interface AlertsFeatureOptions {
  readonly stateClient?: AlertStateClient;
  readonly entraKeys?: EntraTokenOptions['getKey'];
  /** Replaces the scheduler's job of the local rules (tests drive `evaluate` themselves). */
  readonly schedule?: (everyMs: number, tick: () => void) => () => void;
}

type AlertsDeps = FeatureDeps<[], ['fleet', 'logs']>;

export function createAlertsFeatureModule(options: AlertsFeatureOptions = {}): Feature {
  return defineFeature({
    name: 'alerts',
    needs: [],
    uses: ['fleet', 'logs'],
    commandsMayUse: ['oncall'],
    migrations: alertMigrations,
    commands: ALERT_COMMANDS,
    actions: ALERT_ACTIONS,
    create: (deps) => createAlertsFeature(deps, options),
  });
}

export const alertsFeature = createAlertsFeatureModule();

async function createAlertsFeature(deps: AlertsDeps, options: AlertsFeatureOptions): Promise<BuiltFeature<Provided['alerts']>> {
  const { config, clock, log } = deps;
  // Webhook batches share their disk flush off the event loop; checkpoints run on their own thread.
  const { unitOfWork } = deps;
  const commits = unitOfWork instanceof SqliteUnitOfWork ? unitOfWork.commits : undefined;
  let checkpointer: WalCheckpointer | undefined;
  const repo = deps.stores.alerts();
  // Storm cards are rendered at most every STORM_FLUSH_MS, whatever the alert rate (the notifier coalesces anyway),
  // a few per run: rendering every storm of a busy conversation at once held webhooks up for tens of ms.
  // On one replica (the job's lease): it polls for dirty storms, so storms dirtied on any replica get rendered.
  let stormFlush: ScheduledJob | undefined;
  const scheduleStormFlush = () => stormFlush?.wake(STORM_FLUSH_MS);
  const cards = new Broadcaster(deps.subscriptions, deps.notifier).router(alertEventCards());
  const publisher = new AlertPublisher(repo, unitOfWork, cards, clock, scheduleStormFlush);
  const storm: StormPolicy = config.alerts.storm;
  const routed: AlertRoutedListener[] = [];
  const onRouted: AlertRoutedListener = async (alerts, subscriptions) => {
    for (const listener of routed) await listener(alerts, subscriptions);
  };
  const holds: Array<(record: AlertRecord) => Promise<boolean>> = [];
  const isHeld = async (record: AlertRecord) => {
    for (const held of holds) if (await held(record)) return true;
    return false;
  };
  const ingestor = new AlertIngestor({
    repo,
    unitOfWork,
    subscriptions: deps.subscriptions,
    publisher,
    clock,
    storm,
    log,
    audit: deps.audit,
    onRouted,
    isHeld,
  });
  const stateClient =
    options.stateClient ??
    (config.bot ? new RoutingAlertStateClient(createAzureAlertStateClient(), new LocalAlertStateClient(), isAlertsManagementId) : new LocalAlertStateClient());
  const release = (alertId: string) => ingestor.release(alertId);
  const service = new AlertService({ repo, unitOfWork, publisher, stateClient, clock, log, release });
  // SQLite flushes a committed batch to disk off the event loop while the next is stored (group commit): two in flight.
  // PostgreSQL's commit is the server's; a second batch in flight would only split the arrivals into smaller transactions
  // (each a dozen round trips, and on the same storm rows): one in flight, and the next batch takes all that queued meanwhile.
  const batcher = new IngestBatcher(ingestor, unitOfWork, 256, commits?.deferred ? 2 : 1);

  const token = config.alertsWebhookToken ?? (config.bot ? undefined : randomBytes(32).toString('base64url'));
  const entra: EntraTokenOptions | undefined = config.bot?.tenantId
    ? { tenantId: config.bot.tenantId, clientId: config.bot.clientId, getKey: options.entraKeys ?? jwksKeyGetter(config.bot.tenantId) }
    : undefined;
  if (!config.alertsWebhookToken && !config.bot)
    log.info('ALERTS_WEBHOOK_TOKEN is not set: /api/alerts accepts only the local alert rules (a random token for this run).');
  if (config.bot && !token && !entra) log.warn('/api/alerts accepts nothing: set ALERTS_WEBHOOK_TOKEN (plain webhook) or TENANT_ID (secure webhook).');

  const siteOf = siteResolver(deps);
  const accept = async (alert: Alert, payload: string) =>
    batcher.submit(alert.site || !alert.deviceId ? alert : { ...alert, site: await siteOf(alert.deviceId) }, payload);

  let stopRules: (() => void) | undefined;
  let rulesJob: ScheduledJob | undefined;
  const evaluator = localRules(deps, token, repo);

  return {
    routes: [{ path: '/api/alerts', router: alertsWebhookRouter({ token, entra, accept, log }) }],
    localSecrets: token && !config.bot ? { ALERTS_WEBHOOK_TOKEN: token } : undefined,
    provides: {
      alerts: service,
      alertRouted: { add: (listener) => void routed.push(listener), hold: (held) => void holds.push(held), release },
    },
    validateSubscriptionFilter: { topic: 'alerts', validate: alertFilterRefusal },
    async start() {
      if (commits?.deferred && deps.db) {
        const started = new WalCheckpointer(deps.db.name, (error) => log.warn({ err: error }, 'WAL checkpoint failed; the next one retries'));
        commits.onCommit = () => started.nudge();
        checkpointer = started;
      }
      // Storm cards a crash left unrendered.
      const recovered = await publisher.flushStorms();
      if (recovered > 0) log.info({ recovered }, 'storm cards re-rendered after a restart');
      stormFlush = deps.scheduler.add(stormFlushJob(publisher, repo));
      if (!evaluator) return;
      const evaluate = () => evaluator.rules.evaluate().catch((error) => log.warn({ err: String(error) }, 'local alert rules failed'));
      if (options.schedule) stopRules = options.schedule(evaluator.intervalMs, () => void evaluate());
      // On one replica: each would post the same Fired alerts.
      else
        rulesJob = deps.scheduler.add({ name: 'alert-rules', runs: 'on-one-replica', everyMs: evaluator.intervalMs, run: async () => void (await evaluate()) });
      log.info({ rules: evaluator.count, everySeconds: evaluator.intervalMs / 1000 }, 'local alert rules running');
    },
    async stop() {
      stopRules?.();
      await rulesJob?.stop();
      if (commits) commits.onCommit = () => undefined;
      await checkpointer?.stop();
      log.info({ ...commits?.stats, checkpoints: checkpointer?.checkpoints ?? 0 }, 'alerts store: group commits, disk flushes and WAL checkpoints since start');
      // The replica that renders storms renders what is left before it goes (another takes over otherwise).
      const rendering = stormFlush?.active ?? false;
      await stormFlush?.stop();
      stormFlush = undefined;
      if (rendering && (await repo.dirtyStorms(1)).length > 0) await publisher.flushStorms();
    },
    async ready() {
      await repo.countOpen({ sites: [], devices: [], rules: [] });
      return undefined;
    },
  };
}

/** The site of a device from its twin tags, when the alert does not say (bounded: ingestion must stay fast; remembered: see DeviceSites). */
function siteResolver(deps: AlertsDeps): (deviceId: string) => Promise<string | undefined> {
  const fleet = deps.fleet;
  if (!fleet) return async () => undefined;
  const sites = new DeviceSites(async (deviceId) => {
    const twin = await fleet.getDevice(deviceId, { timeoutInMs: 300 });
    return twin ? tagOf(twin, 'site') : undefined;
  });
  return (deviceId) => sites.siteOf(deviceId);
}

function localRules(deps: AlertsDeps, token: string | undefined, repo: AlertRepository) {
  if (!deps.config.alerts.localRules) return undefined;
  if (!token) {
    deps.log.warn('local alert rules need ALERTS_WEBHOOK_TOKEN to post to /api/alerts; they are off');
    return undefined;
  }
  const config = loadAlertRules(deps.config.alerts.rulesFile);
  const url = `${deps.selfUrl}/api/alerts?token=${encodeURIComponent(token)}`;
  const rules = new AlertRuleEvaluator({
    rules: config.rules,
    fleet: deps.fleet,
    logs: deps.logs,
    firing: () => repo.listFiringWithPrefix(LOCAL_ALERT_PREFIX),
    post: async (payload) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) throw new Error(`/api/alerts answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
    },
    clock: deps.clock,
    log: deps.log.child({ job: 'alert-rules' }),
  });
  return { rules, intervalMs: config.intervalSeconds * 1000, count: config.rules.length };
}

/** Renders dirty storm cards a few at a time: a run returns at once for more while a round is unfinished. */
function stormFlushJob(publisher: AlertPublisher, repo: AlertRepository): JobSpec {
  let cursor: StormCursor | undefined;
  return {
    name: 'alert-storm-flush',
    runs: 'on-one-replica',
    everyMs: STORM_FLUSH_MS,
    run: async () => {
      // A cheap read first: most seconds no storm is dirty, and a flush is a unit of work.
      if (!cursor && (await repo.dirtyStorms(1)).length === 0) return;
      try {
        cursor = (await publisher.flushSomeStorms(STORM_FLUSH_CHUNK, cursor)).next;
      } catch (error) {
        cursor = undefined;
        throw error;
      }
      return cursor ? { nextInMs: 0 } : undefined;
    },
  };
}
