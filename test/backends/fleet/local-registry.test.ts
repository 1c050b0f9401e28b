import type { DevicePage } from '../../../backends/fleet/port';
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
