import type { DeviceFilter, DevicePage, DeviceTwin, FleetClient } from '../../../core/ports/fleet';
import type { FleetHarness, SeedDevice } from './harness';

const T0 = new Date('2026-01-01T00:00:00Z');
const minutesAgo = (m: number) => new Date(T0.getTime() + 3600_000 - m * 60_000);

/** Six devices covering every filter column. */
export const SEED: SeedDevice[] = [
  {
    deviceId: 'device-1',
    tags: { site: 'berlin', ring: 'canary', model: 'x100' },
    reported: { firmware: { currentFwVersion: '1.2.0', fwUpdateStatus: 'current' }, health: { battery: 80 } },
    connectionState: 'Connected',
    lastActivityTime: minutesAgo(1),
  },
  {
    deviceId: 'device-2',
    tags: { site: 'berlin', ring: 'early', model: 'x100', floor: '3' },
    reported: { firmware: { currentFwVersion: '1.2.0', fwUpdateStatus: 'current' } },
    connectionState: 'Connected',
    lastActivityTime: minutesAgo(2),
  },
  {
    deviceId: 'device-3',
    tags: { site: 'paris', ring: 'broad', model: 'x200', floor: '3' },
    reported: { firmware: { currentFwVersion: '1.1.0', fwUpdateStatus: 'current' } },
    connectionState: 'Disconnected',
    lastActivityTime: minutesAgo(90),
  },
  {
    deviceId: 'device-10',
    tags: { site: 'paris', ring: 'broad', model: 'x200' },
    reported: { firmware: { currentFwVersion: '1.2.0', fwUpdateStatus: 'error' } },
    connectionState: 'Connected',
    lastActivityTime: minutesAgo(3),
  },
  {
    deviceId: 'device-11',
    tags: { site: 'oslo', ring: 'broad', model: 'x100' },
    reported: { firmware: { currentFwVersion: '1.1.0', fwUpdateStatus: 'current' } },
    connectionState: 'Disconnected',
    lastActivityTime: minutesAgo(600),
  },
  { deviceId: 'device-12', tags: { site: 'oslo', ring: 'broad', model: 'x100' }, reported: {}, connectionState: 'Disconnected', status: 'disabled' },
];

async function all(client: FleetClient, filter: DeviceFilter, pageSize = 2): Promise<DeviceTwin[]> {
  const out: DeviceTwin[] = [];
  for await (const page of client.listDevices(filter, { pageSize })) out.push(...page.devices);
  return out;
}

const ids = (twins: DeviceTwin[]) => twins.map((t) => t.deviceId).sort();

/** One behaviour, two worlds: every FleetClient adapter must pass this. */
export function fleetContract(name: string, make: () => FleetHarness): void {
  describe(`FleetClient contract: ${name}`, () => {
    let h: FleetHarness;
    beforeEach(async () => {
      h = make();
      await h.seed(SEED);
    });
    afterEach(() => h.close());

    test('getDevice returns the twin in IoT Hub shape', async () => {
      const twin = await h.client.getDevice('device-1');
      expect(twin).toBeDefined();
      expect(twin!.deviceId).toBe('device-1');
      expect(twin!.status).toBe('enabled');
      expect(twin!.connectionState).toBe('Connected');
      expect(twin!.lastActivityTime).toBe(minutesAgo(1).toISOString().replace('.000Z', '.000Z'));
      expect(twin!.tags).toMatchObject({ site: 'berlin', ring: 'canary', model: 'x100' });
      expect(twin!.properties.reported).toMatchObject({ firmware: { currentFwVersion: '1.2.0', fwUpdateStatus: 'current' }, health: { battery: 80 } });
      expect(typeof twin!.properties.desired.$version).toBe('number');
      expect(typeof twin!.properties.reported.$version).toBe('number');
      expect(twin!.etag).toEqual(expect.any(String));
    });

    test('a device never seen has no lastActivityTime; a disabled one says so', async () => {
      const twin = await h.client.getDevice('device-12');
      expect(twin!.lastActivityTime).toBeUndefined();
      expect(twin!.status).toBe('disabled');
      expect(twin!.connectionState).toBe('Disconnected');
    });

    test('getDevice of an unknown id is undefined', async () => {
      expect(await h.client.getDevice('device-4200')).toBeUndefined();
    });

    test.each<[string, DeviceFilter, string[]]>([
      ['everything', {}, ['device-1', 'device-10', 'device-11', 'device-12', 'device-2', 'device-3']],
      ['site', { site: 'berlin' }, ['device-1', 'device-2']],
      ['ring', { ring: 'broad' }, ['device-10', 'device-11', 'device-12', 'device-3']],
      ['model', { model: 'x200' }, ['device-10', 'device-3']],
      ['firmware', { firmware: '1.1.0' }, ['device-11', 'device-3']],
      ['offline', { connection: 'Disconnected' }, ['device-11', 'device-12', 'device-3']],
      ['online and site', { connection: 'Connected', site: 'paris' }, ['device-10']],
      ['disabled', { status: 'disabled' }, ['device-12']],
      ['update status', { fwUpdateStatus: 'error' }, ['device-10']],
      ['any tag', { tags: { floor: '3' } }, ['device-2', 'device-3']],
      ['tag site means site', { tags: { site: 'oslo' } }, ['device-11', 'device-12']],
      ['ids', { deviceIds: ['device-3', 'device-11', 'nope'] }, ['device-11', 'device-3']],
      ['no ids', { deviceIds: [] }, []],
      ['nothing', { site: "o'brien" }, []],
    ])('listDevices and countDevices agree: %s', async (_label, filter, expected) => {
      expect(ids(await all(h.client, filter))).toEqual(expected);
      expect(await h.client.countDevices(filter)).toBe(expected.length);
    });

    test('pages are disjoint, carry a token while more remain, and resume from a token', async () => {
      const iterator = h.client.listDevices({}, { pageSize: 4 });
      const first = (await iterator.next()).value as DevicePage;
      expect(first.devices).toHaveLength(4);
      expect(first.continuationToken).toEqual(expect.any(String));
      const resumed = h.client.listDevices({}, { pageSize: 4, continuationToken: first.continuationToken });
      const second = (await resumed.next()).value as DevicePage;
      expect(second.devices).toHaveLength(2);
      expect(second.continuationToken).toBeUndefined();
      expect(new Set([...first.devices, ...second.devices].map((d) => d.deviceId)).size).toBe(6);
    });

    test('orderBy lastActivityTime lists the never-seen and longest-silent first', async () => {
      const page = (await h.client.listDevices({ connection: 'Disconnected' }, { pageSize: 2, orderBy: 'lastActivityTime' }).next()).value as DevicePage;
      expect(page.devices.map((d) => d.deviceId)).toEqual(['device-12', 'device-11']);
    });

    test('countBy groups by connection, firmware, update status and tags; missing values are null', async () => {
      const sorted = (rows: Array<{ value: string | null; count: number }>) => [...rows].sort((a, b) => String(a.value).localeCompare(String(b.value)));
      expect(sorted(await h.client.countBy('connectionState', {}))).toEqual([
        { value: 'Connected', count: 3 },
        { value: 'Disconnected', count: 3 },
      ]);
      expect(sorted(await h.client.countBy('firmware', {}))).toEqual([
        { value: '1.1.0', count: 2 },
        { value: '1.2.0', count: 3 },
        { value: null, count: 1 },
      ]);
      expect(sorted(await h.client.countBy('tags.site', { model: 'x100' }))).toEqual([
        { value: 'berlin', count: 2 },
        { value: 'oslo', count: 2 },
      ]);
      expect(sorted(await h.client.countBy('fwUpdateStatus', { site: 'paris' }))).toEqual([
        { value: 'current', count: 1 },
        { value: 'error', count: 1 },
      ]);
      expect(sorted(await h.client.countBy('status', {}))).toEqual([
        { value: 'disabled', count: 1 },
        { value: 'enabled', count: 5 },
      ]);
      expect(sorted(await h.client.countBy('tags.floor', {}))).toEqual([
        { value: '3', count: 2 },
        { value: null, count: 4 },
      ]);
    });

    test('updateDesired merges per device, bumps $version and reports unknown ids', async () => {
      const before = (await h.client.getDevice('device-1'))!.properties.desired.$version!;
      const firmware = { fwVersion: '1.3.0', fwPackageURI: 'https://feed/fw-1.3.0.bin', fwPackageCheckValue: 'sha256:ab', rolloutId: 'R1', waveId: '1' };
      const results = await h.client.updateDesired(['device-1', 'device-2', 'device-404'], { firmware });
      expect(results).toEqual([
        { deviceId: 'device-1', ok: true },
        { deviceId: 'device-2', ok: true },
        { deviceId: 'device-404', ok: false, error: expect.stringContaining('not found') },
      ]);
      await h.client.updateDesired(['device-1'], { firmware: { waveId: '2', fwPackageCheckValue: null }, telemetryInterval: 30 });
      const twin = (await h.client.getDevice('device-1'))!;
      expect(twin.properties.desired).toMatchObject({ firmware: { fwVersion: '1.3.0', rolloutId: 'R1', waveId: '2' }, telemetryInterval: 30 });
      expect((twin.properties.desired.firmware as Record<string, unknown>).fwPackageCheckValue).toBeUndefined();
      expect(twin.properties.desired.$version).toBe(before + 2);
      expect((await h.client.getDevice('device-3'))!.properties.desired.firmware).toBeUndefined();
    });

    test('readFirmwareStates answers a filter and a rollout with the firmware side of the twins', async () => {
      expect(h.client.readFirmwareStates).toBeDefined();
      const read = h.client.readFirmwareStates!.bind(h.client);
      const berlin = await read({ filter: { site: 'berlin' } });
      expect(berlin.changesOnly).toBe(false);
      expect([...berlin.devices].sort((a, b) => a.deviceId.localeCompare(b.deviceId))).toEqual(
        [
          { deviceId: 'device-1', connectionState: 'Connected', model: 'x100', ring: 'canary', currentFwVersion: '1.2.0', fwUpdateStatus: 'current' },
          { deviceId: 'device-2', connectionState: 'Connected', model: 'x100', ring: 'early', currentFwVersion: '1.2.0', fwUpdateStatus: 'current' },
        ].map((d) => expect.objectContaining(d)),
      );
      expect((await read({ filter: { deviceIds: ['device-3', 'nope'] } })).devices.map((d) => d.deviceId)).toEqual(['device-3']);

      expect((await read({ rolloutId: 'R1' })).devices).toEqual([]);
      await h.client.updateDesired(['device-1', 'device-10'], { firmware: { fwVersion: '1.3.0', rolloutId: 'R1', waveId: 1, attempt: 2 } });
      await h.client.updateDesired(['device-2'], { firmware: { fwVersion: '1.3.0', rolloutId: "R2'x", attempt: 1 } });
      const r1 = await read({ rolloutId: 'R1' });
      expect(r1.devices.map((d) => d.deviceId).sort()).toEqual(['device-1', 'device-10']);
      expect(r1.devices.find((d) => d.deviceId === 'device-10')).toEqual(
        expect.objectContaining({
          connectionState: 'Connected',
          currentFwVersion: '1.2.0',
          fwUpdateStatus: 'error',
          desiredFwVersion: '1.3.0',
          desiredRolloutId: 'R1',
          desiredAttempt: 2,
        }),
      );
      expect((await read({ rolloutId: "R2'x" })).devices.map((d) => d.deviceId)).toEqual(['device-2']);
    });

    test('invokeMethod returns the device answer, and 404 when nobody answers', async () => {
      expect((await h.client.invokeMethod('device-1', 'reboot')).status).toBe(404);
      h.answerMethods((id, name) => ({ status: 200, payload: { ok: true, id, name } }));
      expect(await h.client.invokeMethod('device-1', 'reboot', { delay: 0 })).toEqual({ status: 200, payload: { ok: true, id: 'device-1', name: 'reboot' } });
      expect((await h.client.invokeMethod('device-404', 'reboot')).status).toBe(404);
    });

    test('suggestIds offers the closest ids', async () => {
      expect(h.client.suggestIds).toBeDefined();
      const suggestions = await h.client.suggestIds!('device-100', 3);
      expect(suggestions[0]).toBe('device-10');
      expect(suggestions).not.toContain('device-2');
    });
  });
}
