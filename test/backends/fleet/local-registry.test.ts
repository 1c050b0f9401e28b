import type { DevicePage } from '../../../core/ports/fleet';
import { localHarness } from './harness';
import type { LocalFleetRegistry } from '../../../backends/fleet/local/local-registry';

const at = new Date('2026-01-01T00:10:00Z');

describe('local registry: the device side', () => {
  test('devices list in natural id order', async () => {
    const h = localHarness();
    await h.seed(['device-10', 'device-2', 'device-1', 'device-100'].map((deviceId) => ({ deviceId })));
    const page = (await h.client.listDevices({}).next()).value as DevicePage;
    expect(page.devices.map((d) => d.deviceId)).toEqual(['device-1', 'device-2', 'device-10', 'device-100']);
    h.close();
  });

  test('reported patches merge, keep the firmware columns in step and count as activity', async () => {
    const h = localHarness();
    const registry = h.client as LocalFleetRegistry;
    await h.seed([{ deviceId: 'device-1', reported: { firmware: { currentFwVersion: '1.0.0', fwUpdateStatus: 'current' } } }]);
    await registry.reportMany([{ deviceId: 'device-1', patch: { firmware: { fwUpdateStatus: 'downloading', pendingFwVersion: '1.1.0' }, $version: 99 } }], at);
    expect(await h.client.countDevices({ fwUpdateStatus: 'downloading', firmware: '1.0.0' })).toBe(1);
    await registry.reportProperties('device-1', { firmware: { currentFwVersion: '1.1.0', fwUpdateStatus: 'current', pendingFwVersion: null } }, at);
    const twin = (await h.client.getDevice('device-1'))!;
    expect(twin.properties.reported.firmware).toEqual({ currentFwVersion: '1.1.0', fwUpdateStatus: 'current' });
    expect(twin.properties.reported.$version).toBe(3);
    expect(twin.lastActivityTime).toBe(at.toISOString());
    expect(await h.client.countDevices({ firmware: '1.1.0', fwUpdateStatus: 'current' })).toBe(1);
    h.close();
  });

  test('desired changes are seen once, in order, by a polling device', async () => {
    const h = localHarness();
    const registry = h.client as LocalFleetRegistry;
    await h.seed([{ deviceId: 'device-1' }, { deviceId: 'device-2' }]);
    const none = await registry.desiredChangedSince(0);
    expect(none).toEqual({ sequence: 0, changes: [] });
    await h.client.updateDesired(['device-1', 'device-2'], { firmware: { fwVersion: '2.0.0' } });
    const first = await registry.desiredChangedSince(0);
    expect(first.changes.map((c) => c.deviceId).sort()).toEqual(['device-1', 'device-2']);
    expect(first.changes[0]!.desired).toMatchObject({ firmware: { fwVersion: '2.0.0' }, $version: 2 });
    await h.client.updateDesired(['device-2'], { firmware: { fwVersion: '2.0.1' } });
    const second = await registry.desiredChangedSince(first.sequence);
    expect(second.changes).toEqual([{ deviceId: 'device-2', desired: { firmware: { fwVersion: '2.0.1' }, $version: 3 } }]);
    expect((await registry.desiredChangedSince(second.sequence)).changes).toEqual([]);
    h.close();
  });

  test('heartbeats and connection changes', async () => {
    const h = localHarness();
    const registry = h.client as LocalFleetRegistry;
    await h.seed([{ deviceId: 'device-1' }, { deviceId: 'device-2' }]);
    await registry.setConnection('device-1', 'Connected', at);
    await registry.heartbeat(['device-1', 'device-2', 'ghost'], new Date(at.getTime() + 60_000));
    const one = (await h.client.getDevice('device-1'))!;
    expect(one.connectionState).toBe('Connected');
    expect(one.connectionStateUpdatedTime).toBe(at.toISOString());
    expect(one.lastActivityTime).toBe(new Date(at.getTime() + 60_000).toISOString());
    await registry.heartbeat(['device-1'], at); // late, out-of-order heartbeat never moves time back
    expect((await h.client.getDevice('device-1'))!.lastActivityTime).toBe(new Date(at.getTime() + 60_000).toISOString());
    expect(await h.client.countDevices({ connection: 'Connected' })).toBe(1);
    h.close();
  });

  test('provisioning is idempotent and a bad page token says what to do', async () => {
    const h = localHarness();
    const registry = h.client as LocalFleetRegistry;
    expect(await registry.provision([{ deviceId: 'device-1', tags: { site: 'berlin' } }], at)).toBe(1);
    expect(await registry.provision([{ deviceId: 'device-1', tags: { site: 'paris' } }], at)).toBe(0);
    expect((await h.client.getDevice('device-1'))!.tags).toEqual({ site: 'berlin' });
    await expect(h.client.listDevices({}, { continuationToken: 'garbage' }).next()).rejects.toThrow(/start again from the first page/);
    h.close();
  });
});

describe('local registry: firmware states for the rollout engine', () => {
  test('a rollout read returns a cursor; the next read returns only devices whose reported firmware or connection changed', async () => {
    const h = localHarness();
    const registry = h.client as LocalFleetRegistry;
    await h.seed(
      ['device-1', 'device-2', 'device-3'].map((deviceId) => ({ deviceId, reported: { firmware: { currentFwVersion: '1.0.0', fwUpdateStatus: 'current' } } })),
    );
    await registry.updateDesired(['device-1', 'device-2'], { firmware: { fwVersion: '1.1.0', rolloutId: 'R1', attempt: 1 } });
    const first = await registry.readFirmwareStates({ rolloutId: 'R1' });
    expect(first.changesOnly).toBe(false);
    expect(first.devices.map((d) => d.deviceId).sort()).toEqual(['device-1', 'device-2']);

    const quiet = await registry.readFirmwareStates({ rolloutId: 'R1', changedSince: first.cursor });
    expect(quiet).toMatchObject({ changesOnly: true, devices: [] });

    // Heartbeats and health reports are not firmware changes; a status report, a connection change and a rewrite are.
    await registry.heartbeat(['device-1', 'device-2'], at);
    await registry.reportMany([{ deviceId: 'device-2', patch: { health: { battery: 50 } } }], at);
    expect((await registry.readFirmwareStates({ rolloutId: 'R1', changedSince: quiet.cursor })).devices).toEqual([]);
    await registry.reportMany([{ deviceId: 'device-1', patch: { firmware: { fwUpdateStatus: 'error', fwUpdateSubstatus: 'checksum mismatch' } } }], at);
    const failed = await registry.readFirmwareStates({ rolloutId: 'R1', changedSince: quiet.cursor });
    expect(failed.devices).toEqual([
      expect.objectContaining({ deviceId: 'device-1', fwUpdateStatus: 'error', fwUpdateSubstatus: 'checksum mismatch', desiredAttempt: 1 }),
    ]);
    await registry.setConnection('device-2', 'Connected', at);
    const online = await registry.readFirmwareStates({ rolloutId: 'R1', changedSince: failed.cursor });
    expect(online.devices).toEqual([expect.objectContaining({ deviceId: 'device-2', connectionState: 'Connected' })]);
    // Desired writes are not reported changes: the writer knows what it wrote.
    await registry.updateDesired(['device-1'], { firmware: { attempt: 2 } });
    expect((await registry.readFirmwareStates({ rolloutId: 'R1', changedSince: online.cursor })).devices).toEqual([]);
    expect((await registry.readFirmwareStates({ rolloutId: 'R1' })).devices.find((d) => d.deviceId === 'device-1')).toMatchObject({ desiredAttempt: 2 });
    // Leaving the rollout (desired firmware replaced or removed) takes the device out of its reads.
    await registry.updateDesired(['device-1'], { firmware: null });
    expect((await registry.readFirmwareStates({ rolloutId: 'R1' })).devices.map((d) => d.deviceId)).toEqual(['device-2']);
    // A cursor it does not know reads everything.
    expect((await registry.readFirmwareStates({ rolloutId: 'R1', changedSince: 'garbage' })).changesOnly).toBe(false);
    h.close();
  });
});
