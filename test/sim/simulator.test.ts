import { ManualClock } from '../../core/clock';
import { FleetSimulator } from '../../sim/simulator';
import { generateFleet } from '../../sim/fleet-profile';
import type { LogSink } from '../../sim/log-sink';
import { localHarness } from '../backends/fleet/harness';
import type { LocalFleetRegistry } from '../../backends/fleet/local/local-registry';

class RecordingSink implements LogSink {
  readonly rows: Record<string, Array<Record<string, unknown>>> = { DeviceLogs: [], DeviceTelemetry: [], DeviceEvents: [] };
  ingest(table: string, rows: readonly Record<string, unknown>[]) {
    this.rows[table]!.push(...rows);
  }
}

function world(devices = 200, extra: Partial<ConstructorParameters<typeof FleetSimulator>[0]> = {}) {
  const h = localHarness();
  const registry = h.client as LocalFleetRegistry;
  const clock = new ManualClock(new Date('2026-03-01T08:00:00Z'));
  const sink = new RecordingSink();
  const sim = new FleetSimulator({ deviceSide: registry, clock, devices, seed: 42, logs: sink, ...extra });
  /** Moves time in 1 s ticks, as the real ticker would. */
  const run = async (seconds: number) => {
    for (let i = 0; i < seconds; i++) {
      clock.advance(1000);
      await sim.tick();
    }
  };
  return { h, registry, clock, sink, sim, run };
}

describe('the simulated fleet', () => {
  test('is deterministic from the seed, with exact ring shares and a firmware mix', () => {
    const a = generateFleet(1000, 42);
    expect(generateFleet(1000, 42)).toEqual(a);
    expect(generateFleet(1000, 43)).not.toEqual(a);
    const rings = (ring: string) => a.filter((d) => d.ring === ring).length;
    expect([rings('canary'), rings('early'), rings('broad')]).toEqual([10, 100, 890]);
    const latest = a.filter((d) => d.firmware === '2.4.0').length;
    expect(latest).toBeGreaterThan(830);
    expect(latest).toBeLessThan(930);
    expect(a[0]!.deviceId).toBe('device-1');
    expect(a.filter((d) => d.hot).length).toBeGreaterThan(2);
    expect(a.filter((d) => d.dead).length).toBeGreaterThan(0);
  });

  test('provisions the registry, heartbeats and reports health, writes telemetry and logs', async () => {
    const w = world(200);
    await w.sim.start();
    expect(await w.h.client.countDevices({})).toBe(200);
    const offlineAtStart = await w.h.client.countDevices({ connection: 'Disconnected' });
    expect(offlineAtStart).toBeGreaterThan(0);
    expect(offlineAtStart).toBeLessThan(20);
    await w.run(300);
    const twin = (await w.h.client.getDevice('device-1'))!;
    expect(twin.tags).toEqual(expect.objectContaining({ site: expect.any(String), ring: expect.any(String), model: expect.any(String) }));
    expect(twin.properties.reported.health).toEqual(
      expect.objectContaining({
        battery: expect.any(Number),
        rssi: expect.any(Number),
        temperature: expect.any(Number),
        uptime: expect.any(Number),
        reboots: expect.any(Number),
      }),
    );
    expect(Date.parse(twin.lastActivityTime!)).toBeGreaterThan(w.clock.now().getTime() - 31_000);
    expect(w.sink.rows.DeviceTelemetry!.length).toBeGreaterThan(500);
    expect(w.sink.rows.DeviceTelemetry![0]).toEqual(
      expect.objectContaining({
        DeviceId: expect.stringMatching(/^device-/),
        Temperature: expect.any(Number),
        Battery: expect.any(Number),
        Rssi: expect.any(Number),
        CpuPercent: expect.any(Number),
      }),
    );
    expect(w.sink.rows.DeviceLogs!.some((r) => r.Level === 'Error')).toBe(true);
    await w.sim.stop();
    expect(await w.h.client.countDevices({ connection: 'Connected' })).toBe(0);
    w.h.close();
  });

  test('the same seed and steps give the same registry', async () => {
    const snapshot = async () => {
      const w = world(50);
      await w.sim.start();
      await w.h.client.updateDesired(['device-1', 'device-2', 'device-3'], { firmware: { fwVersion: '9.9.9' } });
      await w.run(120);
      const rows = [];
      for await (const page of w.h.client.listDevices({}))
        rows.push(...page.devices.map((d) => [d.deviceId, d.connectionState, d.lastActivityTime, d.properties.reported]));
      w.h.close();
      return rows;
    };
    expect(await snapshot()).toEqual(await snapshot());
  });

  test('takes a firmware update through every state to current', async () => {
    const w = world(20);
    await w.sim.start();
    const id = (await w.h.client.listDevices({ connection: 'Connected' }).next()).value!.devices[0]!.deviceId;
    await w.h.client.updateDesired([id], {
      firmware: { fwVersion: '2.4.1', fwPackageURI: 'https://feed/2.4.1', fwPackageCheckValue: 'abc', rolloutId: 'R1', waveId: '1' },
    });
    const seen: string[] = [];
    for (let i = 0; i < 60; i++) {
      await w.run(1);
      const fw = (await w.h.client.getDevice(id))!.properties.reported.firmware as Record<string, unknown>;
      if (seen[seen.length - 1] !== fw.fwUpdateStatus) seen.push(String(fw.fwUpdateStatus));
    }
    expect(seen).toEqual(['downloading', 'verifying', 'applying', 'rebooting', 'current']);
    const twin = (await w.h.client.getDevice(id))!;
    expect(twin.properties.reported.firmware).toMatchObject({ currentFwVersion: '2.4.1', fwUpdateStatus: 'current' });
    expect(twin.connectionState).toBe('Connected');
    expect(w.sink.rows.DeviceEvents!.map((e) => e.EventType)).toEqual(expect.arrayContaining(['FirmwareUpdateStarted', 'FirmwareUpdated']));
    w.h.close();
  });

  test('a 1,000-device rollout in 4 waves completes in a few minutes of simulated time; a bad version fails or rolls back', async () => {
    const w = world(1000, { isBadVersion: (v) => v === '2.4.0-bad' });
    await w.sim.start();
    const online: string[] = [];
    for await (const page of w.h.client.listDevices({ connection: 'Connected' }, { pageSize: 1000 })) online.push(...page.devices.map((d) => d.deviceId));
    const waves = [online.slice(0, 10), online.slice(10, 110), online.slice(110, 500), online.slice(500)];
    for (const [i, wave] of waves.entries()) {
      await w.h.client.updateDesired(wave, { firmware: { fwVersion: '2.4.1', rolloutId: 'R1', waveId: String(i + 1) } });
      await w.run(45);
    }
    const started = Date.parse('2026-03-01T08:00:00Z');
    expect(w.clock.now().getTime() - started).toBeLessThanOrEqual(4 * 60_000);
    const onNew = await w.h.client.countDevices({ firmware: '2.4.1', fwUpdateStatus: 'current' });
    expect(onNew / online.length).toBeGreaterThan(0.97); // flappy ones may have dropped out mid-way

    await w.h.client.updateDesired(online.slice(0, 200), { firmware: { fwVersion: '2.4.0-bad' } });
    await w.run(60);
    const byStatus = Object.fromEntries((await w.h.client.countBy('fwUpdateStatus', { deviceIds: online.slice(0, 200) })).map((g) => [g.value, g.count]));
    expect(byStatus.error).toBeGreaterThan(30);
    expect(byStatus.rolledback).toBeGreaterThan(15);
    const rolled = (await w.h.client.listDevices({ fwUpdateStatus: 'rolledback' }).next()).value!.devices[0]!;
    expect(rolled.properties.reported.firmware).toMatchObject({ currentFwVersion: '2.4.1', pendingFwVersion: '2.4.0-bad' });
    w.h.close();
  }, 30_000);

  test('answers reboot: drops off and comes back with one more reboot', async () => {
    const w = world(20);
    await w.sim.start();
    const id = (await w.h.client.listDevices({ connection: 'Connected' }).next()).value!.devices[0]!.deviceId;
    await w.run(1);
    const before = w.sim.device(id)!.reboots;
    const result = await w.h.client.invokeMethod(id, 'reboot');
    expect(result).toEqual({ status: 200, payload: { message: 'Rebooting', expectedBackInSeconds: expect.any(Number) } });
    expect((await w.h.client.getDevice(id))!.connectionState).toBe('Disconnected');
    await w.run(25);
    expect((await w.h.client.getDevice(id))!.connectionState).toBe('Connected');
    expect((await w.h.client.getDevice(id))!.properties.reported.health).toMatchObject({ reboots: before + 1 });
    expect((await w.h.client.invokeMethod(id, 'selfDestruct')).status).toBe(501);
    w.h.close();
  });

  test('keeps firmware across a restart and does not redo finished updates', async () => {
    const w = world(10);
    await w.sim.start();
    await w.h.client.updateDesired(['device-2'], { firmware: { fwVersion: '2.5.0' } });
    await w.run(60);
    await w.sim.stop();
    const again = new FleetSimulator({ deviceSide: w.registry, clock: w.clock, devices: 10, seed: 42 });
    await again.start();
    expect(again.device('device-2')!.firmware).toBe('2.5.0');
    w.clock.advance(1000);
    await again.tick();
    expect(again.stats.updatesStarted).toBe(0);
    await again.stop();
    w.h.close();
  });
});
