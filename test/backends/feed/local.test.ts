import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalFirmwareCatalog, SEED_FIRMWARE, isBadVersion } from '../../../backends/feed/local';
import { compareVersions, isCompatible } from '../../../core/ports/feed';

describe('LocalFirmwareCatalog', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'feed-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('seeds DATA_DIR on first use, newest first, with exactly one bad version', async () => {
    const catalog = new LocalFirmwareCatalog(dir);
    const versions = await catalog.list();
    expect(fs.existsSync(path.join(dir, 'firmware', 'catalog.json'))).toBe(true);
    expect(versions.map((v) => v.version)).toEqual(['3.0.0-beta.1', '2.5.0', '2.4.1', '2.4.0', '2.3.0']);
    expect(versions.filter((v) => v.bad)).toHaveLength(1);
    expect(versions.every((v) => /^[0-9a-f]{64}$/.test(v.sha256))).toBe(true);
  });

  it('gets one version (with or without a leading v) and says which is bad', async () => {
    const catalog = new LocalFirmwareCatalog(dir);
    expect((await catalog.get('v2.4.1'))?.version).toBe('2.4.1');
    expect(await catalog.get('9.9.9')).toBeUndefined();
    expect(catalog.isBadVersion('2.5.0')).toBe(true);
    expect(catalog.isBadVersion('2.4.1')).toBe(false);
    expect(isBadVersion('2.5.0')).toBe(true);
  });

  it('re-reads the file when it is edited and names the problem when it is broken', async () => {
    const catalog = new LocalFirmwareCatalog(dir);
    await catalog.list();
    const extra = { ...SEED_FIRMWARE[0]!, version: '2.6.0' };
    fs.writeFileSync(catalog.file, JSON.stringify({ versions: [extra] }));
    fs.utimesSync(catalog.file, new Date(), new Date(Date.now() + 5000));
    expect((await catalog.list()).map((v) => v.version)).toEqual(['2.6.0']);
    fs.writeFileSync(catalog.file, JSON.stringify({ versions: [{ version: '1.0.0' }] }));
    fs.utimesSync(catalog.file, new Date(), new Date(Date.now() + 10000));
    await expect(catalog.list()).rejects.toThrow(/versions\[0\] needs "sha256"/);
  });
});

describe('catalog helpers', () => {
  it('orders versions like semver', () => {
    expect(['2.10.0', '2.9.1', '3.0.0-beta.1', '3.0.0'].sort(compareVersions)).toEqual(['2.9.1', '2.10.0', '3.0.0-beta.1', '3.0.0']);
  });
  it('treats an empty model list as any model, and compares models without case', () => {
    expect(isCompatible({ compatibleModels: [] }, undefined)).toBe(true);
    expect(isCompatible({ compatibleModels: ['Gateway-G2'] }, 'gateway-g2')).toBe(true);
    expect(isCompatible({ compatibleModels: ['gateway-g2'] }, 'sensor-s1')).toBe(false);
    expect(isCompatible({ compatibleModels: ['gateway-g2'] }, undefined)).toBe(false);
  });
});
