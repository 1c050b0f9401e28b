import { ArtifactsFirmwareCatalog, parseDescription } from '../../../backends/feed/artifacts';

const SHA = 'a'.repeat(64);
// Shapes of Artifact Details - Get Packages / Get Package Version (api-version 7.1).
const packagesBody = {
  count: 1,
  value: [
    {
      id: 'pkg-guid',
      normalizedName: 'device-firmware',
      name: 'device-firmware',
      protocolType: 'UPack',
      versions: [
        { id: 'v-241', normalizedVersion: '2.4.1', version: '2.4.1', isLatest: true, isListed: true, publishDate: '2026-01-10T08:00:00Z' },
        { id: 'v-240', normalizedVersion: '2.4.0', version: '2.4.0', isLatest: false, isListed: true, publishDate: '2025-12-01T08:00:00Z' },
        { id: 'v-239', normalizedVersion: '2.3.9', version: '2.3.9', isDeleted: true },
      ],
    },
  ],
};
const versionBodies: Record<string, unknown> = {
  'v-241': {
    id: 'v-241',
    version: '2.4.1',
    normalizedVersion: '2.4.1',
    publishDate: '2026-01-10T08:00:00Z',
    description: `Fixes the watchdog.\nsha256: ${SHA}\nsize: 4325376\nmodels: sensor-s1, gateway-g2`,
  },
  'v-240': { id: 'v-240', version: '2.4.0', normalizedVersion: '2.4.0', description: 'Faster boot.\nuri: https://cdn.example.com/fw/2.4.0.swu' },
};

function stubFetch(status = 200) {
  const calls: Array<{ url: string; auth: string | null }> = [];
  const fetchStub = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    calls.push({ url, auth: new Headers(init?.headers).get('authorization') });
    const json = (body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
    if (status !== 200) return json({ message: 'nope' });
    if (url.includes('/packages?')) return json(packagesBody);
    const id = /versions\/([^?]+)/.exec(url)?.[1] ?? '';
    return json(versionBodies[decodeURIComponent(id)]);
  }) as typeof fetch;
  return { fetchStub, calls };
}

describe('ArtifactsFirmwareCatalog', () => {
  it('lists the universal package versions with metadata from the description, newest first', async () => {
    const { fetchStub, calls } = stubFetch();
    const catalog = new ArtifactsFirmwareCatalog({
      organization: 'contoso',
      project: 'iot',
      feed: 'firmware',
      packageName: 'device-firmware',
      credential: { pat: 'secret-pat' },
      fetch: fetchStub,
    });
    const versions = await catalog.list();
    expect(versions.map((v) => v.version)).toEqual(['2.4.1', '2.4.0']);
    expect(versions[0]).toMatchObject({ sha256: SHA, sizeBytes: 4325376, compatibleModels: ['sensor-s1', 'gateway-g2'], releaseNotes: 'Fixes the watchdog.' });
    expect(versions[0]!.packageUri).toBe('azure-artifacts://contoso/iot/firmware/device-firmware@2.4.1');
    expect(versions[1]!.packageUri).toBe('https://cdn.example.com/fw/2.4.0.swu');
    expect(calls[0]!.url).toBe(
      'https://feeds.dev.azure.com/contoso/iot/_apis/packaging/Feeds/firmware/packages?protocolType=UPack&packageNameQuery=device-firmware&includeAllVersions=true&api-version=7.1',
    );
    expect(calls[0]!.auth).toBe(`Basic ${Buffer.from(':secret-pat').toString('base64')}`);
    expect(calls).toHaveLength(3); // the deleted version is not fetched
  });

  it('uses a bearer token, caches the listing and the immutable versions', async () => {
    const { fetchStub, calls } = stubFetch();
    let now = 0;
    const catalog = new ArtifactsFirmwareCatalog({
      organization: 'contoso',
      feed: 'firmware',
      packageName: 'device-firmware',
      credential: { getToken: async () => 'entra' },
      fetch: fetchStub,
      now: () => now,
    });
    expect((await catalog.get('2.4.0'))?.version).toBe('2.4.0');
    expect(await catalog.get('9.0.0')).toBeUndefined();
    expect(calls).toHaveLength(3);
    now = 120_000;
    await catalog.list();
    expect(calls).toHaveLength(4);
    expect(calls[0]!.auth).toBe('Bearer entra');
    expect(calls[0]!.url).toContain('https://feeds.dev.azure.com/contoso/_apis/packaging/Feeds/firmware/packages?');
  });

  it('says what to fix when the token is refused or the feed does not exist', async () => {
    const opts = { organization: 'contoso', feed: 'firmware', packageName: 'device-firmware', credential: { pat: 'x' } };
    await expect(new ArtifactsFirmwareCatalog({ ...opts, fetch: stubFetch(401).fetchStub }).list()).rejects.toThrow(
      /FEED_TOKEN a PAT with the Packaging \(Read\) scope/,
    );
    await expect(new ArtifactsFirmwareCatalog({ ...opts, fetch: stubFetch(404).fetchStub }).list()).rejects.toThrow(/no feed "firmware"/);
    await expect(new ArtifactsFirmwareCatalog({ ...opts, packageName: 'other', fetch: stubFetch().fetchStub }).list()).rejects.toThrow(
      /no universal package "other"/,
    );
  });

  it('parses description metadata lines and keeps the rest as notes', () => {
    expect(parseDescription(`Line one\n\nsha256: ${SHA.toUpperCase()}\nsize: 12\nLine two`)).toEqual({ notes: 'Line one\n\nLine two', sha256: SHA, size: 12 });
  });
});
