import type {
  FleetDescription,
  ConnectionState,
  DesiredPatchResult,
  DeviceFilter,
  DevicePage,
  DeviceTwin,
  FirmwareState,
  FirmwareStateQuery,
  FirmwareStates,
  FleetClient,
  GroupCount,
  MethodResult,
} from '../../../core/ports/fleet';

/**
 * How the fake answers set-based firmware reads: `none` has no `readFirmwareStates` (the
 * engine reads twins), `full` answers every device like IoT Hub, `delta` keeps a change
 * sequence and answers only what changed since a cursor, like the local registry.
 */
export type FirmwareReads = 'none' | 'full' | 'delta';

interface FakeDevice {
  deviceId: string;
  model?: string;
  ring?: string;
  site?: string;
  connection: ConnectionState;
  desired: Record<string, unknown>;
  reported: { firmware: Record<string, unknown> };
}

/** An in-memory fleet: counts every desired write, and lets a test play the devices. */
export class FakeFleet implements FleetClient {
  readonly devices = new Map<string, FakeDevice>();
  /** deviceId → number of desired writes carrying each `rolloutId:attempt`. */
  readonly writes = new Map<string, number>();
  readonly writeLog: Array<{ deviceId: string; patch: Record<string, unknown> }> = [];
  /** Set to make the next updateDesired write its devices and then throw (a crash after the write). */
  crashAfterWrite = false;

  describe(): FleetDescription {
    return { backend: 'local' };
  }
  /** Set to make the next updateDesired throw before writing anything. */
  crashBeforeWrite = false;
  /** Change sequence for `delta` reads: any change of what a firmware read returns bumps it. */
  private sequence = 0;
  private readonly changes = new Map<string, { print: string; seq: number }>();

  constructor(reads: FirmwareReads = 'none') {
    if (reads === 'none') this.readFirmwareStates = undefined;
    else this.reads = reads;
  }

  private reads: 'full' | 'delta' = 'full';

  readFirmwareStates?: (query: FirmwareStateQuery) => Promise<FirmwareStates> = async (query) => {
    if ('filter' in query) return { devices: [...this.devices.values()].filter((d) => matches(d, query.filter)).map(stateOf), changesOnly: false };
    // Changes are found by comparing with what was last sequenced, so tests may also mutate devices
    // directly. Like the local registry, only reported firmware and connection count as changes.
    for (const d of this.devices.values()) {
      const print = JSON.stringify([d.connection, d.reported.firmware]);
      if (this.changes.get(d.deviceId)?.print !== print) this.changes.set(d.deviceId, { print, seq: ++this.sequence });
    }
    const since = this.reads === 'delta' && query.changedSince !== undefined ? Number(query.changedSince) : -1;
    const devices = [...this.devices.values()]
      .filter((d) => (d.desired.firmware as Record<string, unknown> | undefined)?.rolloutId === query.rolloutId && this.changes.get(d.deviceId)!.seq > since)
      .map(stateOf);
    return this.reads === 'delta' ? { devices, cursor: String(this.sequence), changesOnly: since >= 0 } : { devices, changesOnly: false };
  };

  add(count: number, make: (i: number) => Partial<FakeDevice> & { version?: string } = () => ({})): this {
    for (let i = 0; i < count; i++) {
      const { version = '2.4.0', ...rest } = make(i);
      const deviceId = rest.deviceId ?? `device-${String(this.devices.size + 1).padStart(4, '0')}`;
      this.devices.set(deviceId, {
        deviceId,
        model: 'sensor-s1',
        ring: 'prod',
        site: 'berlin',
        connection: 'Connected',
        desired: {},
        ...rest,
        reported: { firmware: { currentFwVersion: version, fwUpdateStatus: 'current' } },
      });
    }
    return this;
  }

  report(deviceId: string, firmware: Record<string, unknown>): void {
    const d = this.devices.get(deviceId)!;
    d.reported.firmware = { ...d.reported.firmware, ...firmware };
  }

  writesFor(deviceId: string): number {
    let n = 0;
    for (const [key, count] of this.writes) if (key.startsWith(`${deviceId}|`)) n += count;
    return n;
  }

  async getDevice(deviceId: string): Promise<DeviceTwin | undefined> {
    const d = this.devices.get(deviceId);
    return d ? twin(d) : undefined;
  }

  async *listDevices(filter: DeviceFilter, options: { pageSize?: number } = {}): AsyncIterableIterator<DevicePage> {
    const matching = [...this.devices.values()].filter((d) => matches(d, filter));
    const size = options.pageSize ?? 1000;
    for (let i = 0; i < matching.length; i += size) yield { devices: matching.slice(i, i + size).map(twin) };
  }

  async countDevices(filter: DeviceFilter): Promise<number> {
    return [...this.devices.values()].filter((d) => matches(d, filter)).length;
  }

  async countBy(): Promise<GroupCount[]> {
    return [];
  }

  async updateDesired(deviceIds: readonly string[], patch: Record<string, unknown>): Promise<DesiredPatchResult[]> {
    if (this.crashBeforeWrite) {
      this.crashBeforeWrite = false;
      throw new Error('simulated crash before write');
    }
    const results: DesiredPatchResult[] = [];
    for (const id of deviceIds) {
      const d = this.devices.get(id);
      if (!d) {
        results.push({ deviceId: id, ok: false, error: 'DeviceNotFound' });
        continue;
      }
      const fw = patch.firmware as Record<string, unknown>;
      d.desired = { ...d.desired, firmware: { ...(d.desired.firmware as object), ...fw } };
      const key = `${id}|${String(fw.rolloutId)}:${String(fw.attempt ?? 1)}`;
      this.writes.set(key, (this.writes.get(key) ?? 0) + 1);
      this.writeLog.push({ deviceId: id, patch });
      results.push({ deviceId: id, ok: true });
    }
    if (this.crashAfterWrite) {
      this.crashAfterWrite = false;
      throw new Error('simulated crash after write');
    }
    return results;
  }

  async invokeMethod(): Promise<MethodResult> {
    return { status: 200 };
  }

  /**
   * Plays every device one step along the update: a device whose desired version differs
   * from its current one goes downloading → verifying → applying → rebooting → current on
   * the new version; `bad` devices report error (or roll back) at applying.
   */
  step(bad: (deviceId: string) => 'error' | 'rollback' | undefined = () => undefined): void {
    const next: Record<string, string> = {
      current: 'downloading',
      error: 'downloading',
      rolledback: 'downloading',
      downloading: 'verifying',
      verifying: 'applying',
      applying: 'rebooting',
      rebooting: 'current',
    };
    for (const d of this.devices.values()) {
      const desiredFw = d.desired.firmware as Record<string, unknown> | undefined;
      const desired = desiredFw?.fwVersion;
      const attempt = desiredFw?.attempt;
      const fw = d.reported.firmware;
      if (d.connection === 'Disconnected' || desired === undefined) continue;
      if (fw.currentFwVersion === desired && fw.fwUpdateStatus === 'current') continue;
      if (fw.failedAttempt === `${String(desiredFw?.rolloutId)}:${String(attempt)}`) continue; // gave up on this attempt
      const status = String(fw.fwUpdateStatus ?? 'current');
      const to = next[status] ?? 'downloading';
      if (to === 'rebooting' && bad(d.deviceId)) {
        const how = bad(d.deviceId);
        d.reported.firmware = {
          ...fw,
          fwUpdateStatus: how === 'error' ? 'error' : 'rolledback',
          fwUpdateSubstatus: 'image rejected',
          pendingFwVersion: desired,
          failedAttempt: `${String(desiredFw?.rolloutId)}:${String(attempt)}`,
        };
        if (how === 'rollback') d.reported.firmware.currentFwVersion = fw.currentFwVersion;
        continue;
      }
      d.reported.firmware =
        to === 'current'
          ? { ...fw, currentFwVersion: desired, fwUpdateStatus: 'current', pendingFwVersion: undefined }
          : { ...fw, fwUpdateStatus: to, pendingFwVersion: desired };
    }
  }
}

function matches(d: FakeDevice, f: DeviceFilter): boolean {
  if (f.deviceIds && !f.deviceIds.includes(d.deviceId)) return false;
  if (f.ring && d.ring !== f.ring) return false;
  if (f.model && d.model !== f.model) return false;
  if (f.site && d.site !== f.site) return false;
  if (f.connection && d.connection !== f.connection) return false;
  if (f.firmware && d.reported.firmware.currentFwVersion !== f.firmware) return false;
  return true;
}

function stateOf(d: FakeDevice): FirmwareState {
  const desired = (d.desired.firmware ?? {}) as Record<string, unknown>;
  const reported = d.reported.firmware;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    deviceId: d.deviceId,
    connectionState: d.connection,
    model: d.model,
    ring: d.ring,
    currentFwVersion: text(reported.currentFwVersion),
    fwUpdateStatus: text(reported.fwUpdateStatus),
    fwUpdateSubstatus: text(reported.fwUpdateSubstatus),
    desiredFwVersion: text(desired.fwVersion),
    desiredRolloutId: text(desired.rolloutId),
    desiredAttempt: typeof desired.attempt === 'number' ? desired.attempt : undefined,
  };
}

function twin(d: FakeDevice): DeviceTwin {
  return {
    deviceId: d.deviceId,
    status: 'enabled',
    connectionState: d.connection,
    tags: { model: d.model, ring: d.ring, site: d.site },
    properties: { desired: structuredClone(d.desired), reported: structuredClone(d.reported) },
  };
}
