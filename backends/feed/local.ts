import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { compareVersions, type FirmwareCatalog, type FirmwareVersion } from '../../core/ports/feed';

/**
 * The embedded world's firmware feed: a JSON catalog at `<DATA_DIR>/firmware/catalog.json`,
 * seeded on first use with a few versions, one of them bad (`bad: true`) so the simulator
 * can fail or roll back devices on it and a newcomer can watch a gate pause a rollout.
 * Edit the file to add versions; it is re-read when it changes.
 */

const fakeSha256 = (version: string): string => createHash('sha256').update(`fleetops-firmware-${version}`).digest('hex');

const seed = (version: string, days: number, notes: string, extra: Partial<FirmwareVersion> = {}): FirmwareVersion => ({
  version,
  sha256: fakeSha256(version),
  sizeBytes: 4_194_304 + version.length * 65_536,
  releaseNotes: notes,
  compatibleModels: [],
  packageUri: `https://firmware.fleetops.local/packages/fleetops-fw-${version}.swu`,
  publishedAt: new Date(Date.UTC(2026, 0, 1) - days * 86_400_000).toISOString(),
  ...extra,
});

/** The versions a fresh DATA_DIR starts with. 2.5.0 is the bad one. */
export const SEED_FIRMWARE: readonly FirmwareVersion[] = [
  seed('2.3.0', 120, 'Baseline release: OTA agent 3, TLS 1.3 to the hub.'),
  seed('2.4.0', 60, 'Faster boot (-2 s); battery telemetry every 60 s.'),
  seed('2.4.1', 30, 'Fixes a watchdog reset on cold boot in sub-zero temperatures.'),
  seed('2.5.0', 7, 'New modem firmware; reduced idle power.', { bad: true }),
  seed('3.0.0-beta.1', 2, 'Preview of the 3.x platform; gateways only.', { compatibleModels: ['gateway-g2'] }),
];

/** True when `version` is a bad version of the seed catalog (for a simulator that has no catalog object). */
export function isBadVersion(version: string, catalog: readonly FirmwareVersion[] = SEED_FIRMWARE): boolean {
  return catalog.some((f) => f.version === version && f.bad === true);
}

export class LocalFirmwareCatalog implements FirmwareCatalog {
  readonly file: string;
  private cache?: { mtimeMs: number; versions: FirmwareVersion[] };

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'firmware', 'catalog.json');
  }

  async list(): Promise<FirmwareVersion[]> {
    return [...this.read()];
  }

  async get(version: string): Promise<FirmwareVersion | undefined> {
    const wanted = version.replace(/^v/i, '');
    return this.read().find((f) => f.version === wanted);
  }

  /** Synchronous, for the simulator's callback: does a device fail on this version? */
  isBadVersion(version: string): boolean {
    return isBadVersion(version, this.read());
  }

  private read(): FirmwareVersion[] {
    if (!fs.existsSync(this.file)) this.writeSeed();
    const mtimeMs = fs.statSync(this.file).mtimeMs;
    if (this.cache && this.cache.mtimeMs === mtimeMs) return this.cache.versions;
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(this.file, 'utf8'));
    } catch (error) {
      throw new Error(`The firmware catalog ${this.file} is not valid JSON (${(error as Error).message}); fix it or delete it to re-seed`);
    }
    const versions = parseCatalog(raw, this.file).sort((a, b) => compareVersions(b.version, a.version));
    this.cache = { mtimeMs, versions };
    return versions;
  }

  private writeSeed(): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ versions: SEED_FIRMWARE }, null, 2), { mode: 0o600 });
    fs.renameSync(tmp, this.file);
  }
}

function parseCatalog(raw: unknown, file: string): FirmwareVersion[] {
  const list = (raw as { versions?: unknown })?.versions;
  if (!Array.isArray(list)) throw new Error(`The firmware catalog ${file} needs a "versions" array`);
  return list.map((item, i) => {
    const v = item as Record<string, unknown>;
    const problem = (what: string) => new Error(`The firmware catalog ${file}: versions[${i}] ${what}`);
    if (typeof v.version !== 'string' || v.version === '') throw problem('needs a "version" string');
    if (typeof v.sha256 !== 'string' || !/^[0-9a-f]{64}$/i.test(v.sha256)) throw problem('needs "sha256" (64 hex digits)');
    if (typeof v.packageUri !== 'string') throw problem('needs a "packageUri"');
    return {
      version: v.version,
      sha256: v.sha256.toLowerCase(),
      sizeBytes: typeof v.sizeBytes === 'number' ? v.sizeBytes : 0,
      releaseNotes: typeof v.releaseNotes === 'string' ? v.releaseNotes : '',
      compatibleModels: Array.isArray(v.compatibleModels) ? v.compatibleModels.map(String) : [],
      packageUri: v.packageUri,
      publishedAt: typeof v.publishedAt === 'string' ? v.publishedAt : undefined,
      bad: v.bad === true ? true : undefined,
    };
  });
}
