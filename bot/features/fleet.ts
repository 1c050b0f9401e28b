import { createFleetClient, FLEET_MIGRATIONS, type FleetBackend } from '../../backends/fleet';
import type { IotHubConnectDeps } from '../../backends/fleet/iothub/connect';
import { isBadVersion as seedCatalogSaysBad } from '../../backends/feed/local';
import { devicesCommand, devicesPageAction } from '../../commands/devices';
import { fleetCommand, fleetRefreshAction } from '../../commands/fleet';
import type { Services } from '../../commands/services';
import { deviceStatusAction, rebootAskAction, rebootConfirmAction, statusCommand } from '../../commands/status';
import type { LogSink } from '../../sim/log-sink';
import { FleetSimulator } from '../../sim/simulator';
import type { Feature, FeatureDeps, FeatureModule } from './feature';

/**
 * Fleet: `status`, `devices`, `fleet` and their buttons, on IoT Hub or the local registry.
 * With FLEET_BACKEND=local and SIM_DEVICES > 0 it also runs the simulated fleet.
 *
 * Services: `fleet` (FleetClient); also, read structurally by later features,
 * `deviceSide` (DeviceSideClient of the local registry) and `simulator` (FleetSimulator).
 * Settings (readConfig: config.iothub, config.sim): IOTHUB_CONNECTION_STRING or IOTHUB_HOST, IOTHUB_RESOURCE_ID (portal
 * link), IOTHUB_TWIN_UPDATES_PER_SEC / IOTHUB_TWIN_READS_PER_SEC / IOTHUB_QUERIES_PER_MIN
 * (quotas), SIM_HEARTBEAT_SECONDS (default 30), SIM_UPDATE_SPEED (default 1).
 */
export interface FleetFeatureOptions extends IotHubConnectDeps {
  /** Tests: do not start the real-time ticker; they call `simulator.tick()`. */
  readonly manualTicks?: boolean;
}

export function createFleetFeatureModule(options: FleetFeatureOptions = {}): FeatureModule {
  return {
    name: 'fleet',
    migrations: FLEET_MIGRATIONS,
    commands: [statusCommand, devicesCommand, fleetCommand],
    actions: [deviceStatusAction, rebootAskAction, rebootConfirmAction, devicesPageAction, fleetRefreshAction],
    create: (deps) => createFleetFeature(deps, options),
  };
}

export const fleetFeature: FeatureModule = createFleetFeatureModule();

async function createFleetFeature(deps: FeatureDeps, options: FleetFeatureOptions): Promise<Feature> {
  const { config, log } = deps;
  const backend: FleetBackend = createFleetClient(config, { ...options, db: deps.db });
  const simulator = backend.deviceSide && config.sim.devices > 0 ? buildSimulator(deps, backend) : undefined;
  if (config.fleetBackend === 'local' && !simulator) log.info('SIM_DEVICES=0: the local registry starts empty and nothing simulates devices');

  const services = { fleet: backend.client, deviceSide: backend.deviceSide, simulator } as Partial<Services>;
  return {
    name: 'fleet',
    services,
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
}

function buildSimulator(deps: FeatureDeps, backend: FleetBackend): FleetSimulator {
  const { config, clock, log } = deps;
  // Later features (logs, the firmware feed) are built after this one; `previous` is filled
  // as they are, so look them up when the devices need them, not now.
  const later = deps.previous as Partial<Services> & { feed?: { isBadVersion?: (v: string) => boolean } };
  const logs: LogSink = {
    ingest: (table, rows) => later.logs?.ingest(table, rows),
  };
  return new FleetSimulator({
    deviceSide: backend.deviceSide!,
    clock,
    devices: config.sim.devices,
    seed: config.sim.seed,
    logs,
    log: log.child({ component: 'simulator' }),
    isBadVersion: (version) => (later.feed?.isBadVersion ? later.feed.isBadVersion(version) : seedCatalogSaysBad(version)),
    heartbeatMs: config.sim.heartbeatMs,
    updateSpeed: config.sim.updateSpeed,
  });
}
