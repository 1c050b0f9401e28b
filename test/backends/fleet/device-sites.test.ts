import { DeviceSites } from '../../../backends/fleet/device-sites';

describe('DeviceSites', () => {
  function world(sites: Record<string, string | undefined>) {
    let now = 1_000;
    const lookups: string[] = [];
    let failing = false;
    const lookup = async (deviceId: string) => {
      lookups.push(deviceId);
      if (failing) throw new Error('429 throttled');
      return sites[deviceId];
    };
    const cache = new DeviceSites(lookup, { ttlMs: 600_000, missingTtlMs: 60_000, max: 100, now: () => now });
    return {
      cache,
      lookups,
      advance: (ms: number) => {
        now += ms;
      },
      fail: (on: boolean) => {
        failing = on;
      },
    };
  }

  test('a storm naming one device reads its twin once; concurrent alerts share the read in flight', async () => {
    const w = world({ 'device-1': 'berlin' });
    expect(await Promise.all([w.cache.siteOf('device-1'), w.cache.siteOf('device-1'), w.cache.siteOf('device-1')])).toEqual(['berlin', 'berlin', 'berlin']);
    for (let i = 0; i < 50; i++) expect(await w.cache.siteOf('device-1')).toBe('berlin');
    expect(w.lookups).toEqual(['device-1']);
  });

  test('a site is trusted for its TTL, "no site" for a shorter one', async () => {
    const w = world({ 'device-1': 'berlin', 'device-2': undefined });
    expect(await w.cache.siteOf('device-1')).toBe('berlin');
    expect(await w.cache.siteOf('device-2')).toBeUndefined();
    w.advance(61_000);
    await w.cache.siteOf('device-1');
    await w.cache.siteOf('device-2');
    expect(w.lookups).toEqual(['device-1', 'device-2', 'device-2']);
    w.advance(600_000);
    await w.cache.siteOf('device-1');
    expect(w.lookups.filter((id) => id === 'device-1')).toHaveLength(2);
  });

  test('a lookup that fails answers "no site" and is not remembered', async () => {
    const w = world({ 'device-1': 'berlin' });
    w.fail(true);
    expect(await w.cache.siteOf('device-1')).toBeUndefined();
    w.fail(false);
    expect(await w.cache.siteOf('device-1')).toBe('berlin');
    expect(w.lookups).toEqual(['device-1', 'device-1']);
  });
});
