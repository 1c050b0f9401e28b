import { entraTokenSource } from '../../backends/devops/entra';
import { ArtifactsFirmwareCatalog } from '../../backends/feed/artifacts';
import { LocalFirmwareCatalog } from '../../backends/feed/local';
import type { FirmwareCatalog } from '../../core/ports/feed';
import type { FleetClient } from '../../core/ports/fleet';
import type { LogsClient } from '../../core/ports/logs';
import { rolloutMigrations } from '../../backends/store/sqlite/rollouts';
import { teamsUserIds } from '../../cards/refresh-users';
import { ROLLOUT_ACTIONS, ROLLOUT_COMMANDS } from '../../commands/rollouts';
import { validateRolloutFilter } from '../../core/rollouts/announcer';
import { RolloutService } from '../../core/rollouts/service';
import { logsTail, NotifierRolloutAnnouncer } from '../../jobs/rollout-announcer';
import { RolloutTickJob } from '../../jobs/rollout-tick';
import type { Scheduler } from '../../core/scheduling/scheduler';
import type { Feature, FeatureDeps, FeatureModule } from './feature';

/**
 * Firmware rollouts: the catalog, the engine and its 10-second tick, commands and cards.
 *
 * Settings (readConfig: config.feed, config.rollouts):
 *   FEED_BACKEND=local|artifacts (default: artifacts when FEED_ORGANIZATION is set)
 *   FEED_ORGANIZATION, FEED_PROJECT (optional), FEED_NAME, FEED_PACKAGE (default device-firmware),
 *   FEED_TOKEN (a PAT with Packaging Read, or keyvault:NAME; without it an Entra token is used)
 *   ROLLOUT_WRITES_PER_SECOND (default 50 with IoT Hub — S1's twin-update quota — and 2000 locally),
 *   ROLLOUT_SOAK_SECONDS (default 300 with IoT Hub, 30 locally), ROLLOUT_PHASE_TIMEOUT_MINUTES (default 30)
 */
export interface RolloutsFeatureOptions {
  /** Runs the 10-second tick instead of deps.scheduler; tests pass one that hands them the tick to call when they move their clock. */
  readonly scheduler?: Scheduler;
}

export function createRolloutsFeatureModule(options: RolloutsFeatureOptions = {}): FeatureModule {
  return {
    name: 'rollouts',
    migrations: rolloutMigrations,
    commands: ROLLOUT_COMMANDS,
    actions: ROLLOUT_ACTIONS,
    create: (deps) => createRolloutsFeature(deps, options),
  };
}

export const rolloutsFeature: FeatureModule = createRolloutsFeatureModule();

async function createRolloutsFeature(deps: FeatureDeps, options: RolloutsFeatureOptions): Promise<Feature> {
  const previous = deps.previous as { fleet?: FleetClient; logs?: LogsClient };
  const feed = catalog(deps);
  if (!previous.fleet) {
    deps.log.warn('rollouts: no fleet service (the fleet feature is missing); rollout commands will say so');
    return { name: 'rollouts', services: { feed } };
  }
  const service = new RolloutService({
    repo: deps.stores.rollouts(),
    unitOfWork: deps.unitOfWork,
    fleet: previous.fleet,
    catalog: feed,
    clock: deps.clock,
    log: deps.log.child({ feature: 'rollouts' }),
    defaults: deps.config.rollouts,
  });
  // Release leads and admins get the card refreshed for them, so they see Approve and Resume.
  const refreshUserIds = teamsUserIds([...deps.config.roles.releaseLeads, ...deps.config.roles.admins]);
  const announcer = new NotifierRolloutAnnouncer(service, deps.notifier, deps.subscriptions, {
    refreshUserIds,
    logTail: previous.logs ? logsTail(previous.logs) : undefined,
    log: deps.log,
  });
  service.announcer = announcer;
  const job = new RolloutTickJob(service, announcer, deps.log.child({ job: 'rollout-tick' }), options.scheduler ?? deps.scheduler, deps.audit);
  return {
    name: 'rollouts',
    services: { rollouts: service, feed },
    validateSubscriptionFilter: { topic: 'rollouts', validate: validateRolloutFilter },
    async start() {
      job.start();
    },
    async stop() {
      await job.stop();
    },
  };
}

function catalog(deps: FeatureDeps): FirmwareCatalog {
  const feed = deps.config.feed;
  if (feed.backend === 'local') return new LocalFirmwareCatalog(deps.config.dataDir);
  return new ArtifactsFirmwareCatalog({
    organization: feed.organization,
    project: feed.project,
    feed: feed.feed,
    packageName: feed.packageName,
    // Azure Artifacts is Azure DevOps: the same Entra token source (one credential, its token cached).
    credential: feed.token ? { pat: feed.token } : { getToken: entraTokenSource() },
  });
}
