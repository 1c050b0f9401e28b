import { rolloutMigrations } from '../../backends/store/sqlite/rollouts';
import { teamsUserIds } from '../../cards/refresh-users';
import { ROLLOUT_ACTIONS, ROLLOUT_COMMANDS } from '../../commands/rollouts';
import { validateRolloutFilter } from '../../core/rollouts/topic';
import { RolloutService } from '../../core/rollouts/service';
import { Broadcaster } from '../../core/notifications/broadcaster';
import { logsTail, rolloutEventCards } from '../broadcasts/rollouts';
import { RolloutTickJob } from '../../jobs/rollout-tick';
import type { Scheduler } from '../../core/scheduling/scheduler';
import { defineFeature, type BuiltFeature, type Feature, type FeatureDeps } from './feature';
import type { Provided } from './provided';

/**
 * Firmware rollouts: the engine and its 10-second tick, commands and cards. Needs the fleet
 * (the devices) and the firmware catalog (bot/features/firmware.ts); uses the logs for the
 * failing devices' last lines.
 *
 * Settings (readConfig: config.rollouts):
 *   ROLLOUT_WRITES_PER_SECOND (default 50 with IoT Hub — S1's twin-update quota — and 2000 locally),
 *   ROLLOUT_SOAK_SECONDS (default 300 with IoT Hub, 30 locally), ROLLOUT_PHASE_TIMEOUT_MINUTES (default 30)
 */
export interface RolloutsFeatureOptions {
  /** Runs the 10-second tick instead of deps.scheduler; tests pass one that hands them the tick to call when they move their clock. */
  readonly scheduler?: Scheduler;
}

export function createRolloutsFeatureModule(options: RolloutsFeatureOptions = {}): Feature {
  return defineFeature({
    name: 'rollouts',
    needs: ['fleet', 'firmware'],
    uses: ['logs'],
    migrations: rolloutMigrations,
    commands: ROLLOUT_COMMANDS,
    actions: ROLLOUT_ACTIONS,
    create: (deps) => createRolloutsFeature(deps, options),
  });
}

export const rolloutsFeature = createRolloutsFeatureModule();

async function createRolloutsFeature(
  deps: FeatureDeps<['fleet', 'firmware'], ['logs']>,
  options: RolloutsFeatureOptions,
): Promise<BuiltFeature<Provided['rollouts']>> {
  // Release leads and admins get the card refreshed for them, so they see Approve and Resume.
  const refreshUserIds = teamsUserIds([...deps.config.roles.releaseLeads, ...deps.config.roles.admins]);
  const cards = rolloutEventCards({ refreshUserIds, logTail: deps.logs ? logsTail(deps.logs) : undefined, log: deps.log });
  const service = new RolloutService({
    repo: deps.stores.rollouts(),
    unitOfWork: deps.unitOfWork,
    fleet: deps.fleet,
    catalog: deps.feed,
    clock: deps.clock,
    log: deps.log.child({ feature: 'rollouts' }),
    defaults: deps.config.rollouts,
    publish: new Broadcaster(deps.subscriptions, deps.notifier).publisher(cards),
  });
  const job = new RolloutTickJob(service, deps.log.child({ job: 'rollout-tick' }), options.scheduler ?? deps.scheduler, deps.audit);
  return {
    provides: { rollouts: service },
    validateSubscriptionFilter: { topic: 'rollouts', validate: validateRolloutFilter },
    async start() {
      job.start();
    },
    async stop() {
      await job.stop();
    },
  };
}
