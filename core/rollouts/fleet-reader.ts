import type { DeviceFilter, FleetClient } from '../../backends/fleet/port';
import { firmwareOf, tagOf } from '../fleet/twin-view';
import { observe, type Observation } from './observation';
import type { TargetDevice } from './plan';

/** Reads what the engine needs from the fleet, in pages and chunks the backend can answer. */
export class FleetReader {
  constructor(
    private readonly fleet: FleetClient,
    private readonly chunkSize = 1000,
  ) {}

  /** Every device matching the filter, reduced to what planning needs. */
  async targets(filter: DeviceFilter): Promise<TargetDevice[]> {
    const out: TargetDevice[] = [];
    for await (const page of this.fleet.listDevices(filter, { pageSize: 5000 })) {
      for (const twin of page.devices) {
        out.push({ deviceId: twin.deviceId, model: tagOf(twin, 'model'), ring: tagOf(twin, 'ring'), currentVersion: firmwareOf(twin).current });
      }
    }
    return out;
  }

  /** Current twins of the given devices; a device missing from the map no longer exists. */
  async observe(deviceIds: readonly string[]): Promise<Map<string, Observation>> {
    const seen = new Map<string, Observation>();
    for (let i = 0; i < deviceIds.length; i += this.chunkSize) {
      const chunk = deviceIds.slice(i, i + this.chunkSize);
      for await (const page of this.fleet.listDevices({ deviceIds: chunk }, { pageSize: chunk.length })) {
        for (const twin of page.devices) seen.set(twin.deviceId, observe(twin));
      }
    }
    return seen;
  }
}
