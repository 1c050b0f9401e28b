import { createFleetClient, FLEET_MIGRATIONS, type FleetBackend } from '../../backends/fleet';
import type { IotHubConnectDeps } from '../../backends/fleet/iothub/connect';
import { isBadVersion as seedCatalogSaysBad } from '../../backends/feed/local';
import { devicesCommand, devicesPageAction } from '../../commands/devices';
import { fleetCommand, fleetRefreshAction } from '../../commands/fleet';
import { deviceStatusAction, rebootAskAction, rebootConfirmAction, statusCommand } from '../../commands/status';
import { FleetSimulator } from '../../sim/simulator';
import { defineFeature, type Feature, type FeatureDeps } from './feature';

/**
 * Fleet: `status`, `devices`, `fleet` and their buttons, on IoT Hub or the local registry.
 * With FLEET_BACKEND=local and SIM_DEVICES > 0 it also runs the simulated fleet.
 *
 * Provides `fleet` (FleetClient), `deviceSide` (the local registry's device side) and
 * `simulator`. The simulated devices write to the logs feature's sink and fail on the
 * firmware feature's bad versions, when those features are there.
 * The status card also shows a device's open alerts and rollout (alerts, rollouts: built
 * after this feature, since they need the fleet; the commands use them when present).
 * Settings (readConfig: config.iothub, config.sim): IOTHUB_CONNECTION_STRING or IOTHUB_HOST, IOTHUB_RESOURCE_ID (portal
 * link), IOTHUB_TWIN_UPDATES_PER_SEC / IOTHUB_TWIN_READS_PER_SEC / IOTHUB_QUERIES_PER_MIN
 * (quotas), SIM_HEARTBEAT_SECONDS (default 30), SIM_UPDATE_SPEED (default 1).
 */
export interface FleetFeatureOptions extends IotHubConnectDeps {
  /** Tests: do not start the real-time ticker; they call `simulator.tick()`. */
  readonly manualTicks?: boolean;
}

type FleetDeps = FeatureDeps<[], ['logs', 'firmware']>;

export function createFleetFeatureModule(options: FleetFeatureOptions = {}): Feature {
  return defineFeature({
    name: 'fleet',
    needs: [],
    uses: ['logs', 'firmware'],
    commandsMayUse: ['alerts', 'rollouts'],
    migrations: FLEET_MIGRATIONS,
    commands: [statusCommand, devicesCommand, fleetCommand],
    actions: [deviceStatusAction, rebootAskAction, rebootConfirmAction, devicesPageAction, fleetRefreshAction],
    async create(deps) {
      const { config, log } = deps;
      const backend: FleetBackend = createFleetClient(config, { ...options, db: deps.db });
      const simulator = backend.deviceSide && config.sim.devices > 0 ? buildSimulator(deps, backend) : undefined;
      if (config.fleetBackend === 'local' && !simulator) log.info('SIM_DEVICES=0: the local registry starts empty and nothing simulates devices');
      return {
        provides: { fleet: backend.client, deviceSide: backend.deviceSide, simulator },
        async start() {
          if (!simulator) return;
          await simulator.start();
          if (!options.manualTicks) simulator.startTicker(deps.scheduler, 1000);
        },
        async stop() {
          await simulator?.stop();
        },
        async ready() {
          // A simulator exists only for SIM_DEVICES > 0: no devices yet means start() has not run.
          return simulator?.size === 0 ? 'simulated fleet not started yet' : undefined;
        },
      };
    },
  });
}

export const fleetFeature = createFleetFeatureModule();

function buildSimulator(deps: FleetDeps, backend: FleetBackend): FleetSimulator {
  const { config, clock, log } = deps;
  const isBadVersion = deps.isBadVersion ?? seedCatalogSaysBad;
  return new FleetSimulator({
    deviceSide: backend.deviceSide!,
    clock,
    devices: config.sim.devices,
    seed: config.sim.seed,
    logs: deps.logSink,
    log: log.child({ component: 'simulator' }),
    isBadVersion,
    heartbeatMs: config.sim.heartbeatMs,
    updateSpeed: config.sim.updateSpeed,
  });
}
