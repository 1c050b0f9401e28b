import type { AppConfig } from '../../core/config/config';
import type { SqliteDatabase } from '../store/sqlite/database';
import type { DeviceSideClient, FleetClient } from '../../core/ports/fleet';
import type { IotHubConnectDeps } from './iothub/connect';
import { LocalFleetRegistry } from './local/local-registry';

export { FLEET_MIGRATIONS } from './local/migrations';

export interface FleetBackend {
  readonly kind: 'local' | 'iothub';
  readonly client: FleetClient;
  /** The hub side devices talk to; only the local registry has one (real devices use the device SDK). */
  readonly deviceSide?: DeviceSideClient;
}

export interface FleetBackendDeps extends IotHubConnectDeps {
  /** The state database with the fleet migrations applied (local backend; absent with DATABASE_URL and IoT Hub). */
  readonly db?: SqliteDatabase;
}

/** Picks the adapter once, at startup (FLEET_BACKEND). */
export function createFleetClient(config: AppConfig, deps: FleetBackendDeps): FleetBackend {
  if (config.fleetBackend === 'iothub') {
    // Loaded only in Azure mode: azure-iothub is slow to load and useless locally.
    const { connectIotHub } = require('./iothub/connect') as typeof import('./iothub/connect');
    return { kind: 'iothub', client: connectIotHub(config.iothub, deps) };
  }
  // readConfig allows the local fleet on PostgreSQL for one process only, and bot/state.ts opens the file for it.
  if (!deps.db) throw new Error('FLEET_BACKEND=local needs the SQLite file in DATA_DIR, which was not opened');
  const registry = new LocalFleetRegistry(deps.db);
  return { kind: 'local', client: registry, deviceSide: registry };
}
