import type { DeviceFilter, FleetClient } from '../ports/fleet';
import { firmwareOf, tagOf } from '../fleet/twin-view';
import { fingerprint, observe, observeState, type Observation } from './observation';
import type { TargetDevice } from './plan';

/**
 * Reads what the engine needs from the fleet, set-based where the backend can
 * (`readFirmwareStates`), else through twins in pages and chunks.
 *
 * `changes` gives each tick only the devices of a rollout whose firmware state changed:
 * from the backend's cursor when it has one (the local registry), else by comparing with
 * what the previous tick saw (IoT Hub, or a backend without set-based reads). The memory
 * is only an optimisation: after a restart, or `reset`, the next read returns everything.
 */
export class FleetReader {
  private readonly cursors = new Map<string, string>();
  /** rolloutId → deviceId → fingerprint of the last observation, for backends that answer full sets. */
  private readonly known = new Map<string, Map<string, string>>();

  constructor(
    private readonly fleet: FleetClient,
    private readonly chunkSize = 1000,
  ) {}

  /** Every device matching the filter, reduced to what planning needs. */
  async targets(filter: DeviceFilter): Promise<TargetDevice[]> {
    if (this.fleet.readFirmwareStates) {
      const { devices } = await this.fleet.readFirmwareStates({ filter });
      return devices.map((d) => ({ deviceId: d.deviceId, model: d.model, ring: d.ring, currentVersion: d.currentFwVersion }));
    }
    const out: TargetDevice[] = [];
    for await (const page of this.fleet.listDevices(filter, { pageSize: 5000 })) {
      for (const twin of page.devices) {
        out.push({ deviceId: twin.deviceId, model: tagOf(twin, 'model'), ring: tagOf(twin, 'ring'), currentVersion: firmwareOf(twin).current });
      }
    }
    return out;
  }

  /** Current state of the given devices; a device missing from the map no longer exists. */
  async observe(deviceIds: readonly string[]): Promise<Map<string, Observation>> {
    const seen = new Map<string, Observation>();
    for (let i = 0; i < deviceIds.length; i += this.chunkSize) {
      const chunk = deviceIds.slice(i, i + this.chunkSize);
      if (this.fleet.readFirmwareStates) {
        const { devices } = await this.fleet.readFirmwareStates({ filter: { deviceIds: chunk } });
        for (const d of devices) seen.set(d.deviceId, observeState(d));
        continue;
      }
      for await (const page of this.fleet.listDevices({ deviceIds: chunk }, { pageSize: chunk.length })) {
        for (const twin of page.devices) seen.set(twin.deviceId, observe(twin));
      }
    }
    return seen;
  }

  /**
   * Devices of the rollout whose firmware state or connection changed since the previous
   * call (every device on the first). `inFlight` names the devices to read when the backend
   * cannot select a rollout's devices itself.
   */
  async changes(rolloutId: string, inFlight: () => Promise<readonly string[]>): Promise<Map<string, Observation>> {
    let seen: Map<string, Observation>;
    if (this.fleet.readFirmwareStates) {
      const answer = await this.fleet.readFirmwareStates({ rolloutId, changedSince: this.cursors.get(rolloutId) });
      if (answer.cursor !== undefined) this.cursors.set(rolloutId, answer.cursor);
      else this.cursors.delete(rolloutId);
      seen = new Map(answer.devices.map((d) => [d.deviceId, observeState(d)]));
      if (answer.changesOnly) return seen;
    } else {
      seen = await this.observe(await inFlight());
    }
    return this.newSince(rolloutId, seen);
  }

  /** Forgets what was seen of a rollout: the next `changes` returns every device (after a failed tick). */
  reset(rolloutId: string): void {
    this.cursors.delete(rolloutId);
    this.known.delete(rolloutId);
  }

  /** Drops the memory of rollouts the engine no longer ticks. */
  retain(rolloutIds: ReadonlySet<string>): void {
    for (const id of [...this.cursors.keys()]) if (!rolloutIds.has(id)) this.cursors.delete(id);
    for (const id of [...this.known.keys()]) if (!rolloutIds.has(id)) this.known.delete(id);
  }

  private newSince(rolloutId: string, seen: Map<string, Observation>): Map<string, Observation> {
    const before = this.known.get(rolloutId);
    const now = new Map<string, string>();
    const changed = new Map<string, Observation>();
    for (const [id, o] of seen) {
      const print = fingerprint(o);
      now.set(id, print);
      if (before?.get(id) !== print) changed.set(id, o);
    }
    this.known.set(rolloutId, now);
    return changed;
  }
}
