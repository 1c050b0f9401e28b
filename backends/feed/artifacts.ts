import { compareVersions, type CatalogOperationOptions, type FirmwareCatalog, type FirmwareVersion } from '../../core/ports/feed';

/**
 * Firmware catalog on Azure Artifacts: every version of one universal package in a feed
 * is a firmware version. The release pipeline publishes the package with a description
 * whose metadata lines the catalog reads (the rest is the release notes):
 *
 *   Fixes a watchdog reset on cold boot.
 *   sha256: 3f1c...e9
 *   size: 4325376
 *   models: sensor-s1, gateway-g2     (omit = every model)
 *   uri: https://cdn.example.com/fw/2.4.1.swu   (omit = an azure-artifacts:// reference)
 *
 * REST: Artifact Details - Get Packages (includeAllVersions) and Get Package Version,
 * api-version 7.1, with a PAT (Basic) or an Entra token (Bearer).
 */

export interface ArtifactsCatalogOptions {
  readonly organization: string;
  readonly project?: string;
  readonly feed: string;
  /** The universal package holding the firmware, e.g. 'device-firmware'. */
  readonly packageName: string;
  /** A PAT with Packaging (Read), or a function giving an Entra access token. */
  readonly credential: { readonly pat: string } | { readonly getToken: () => Promise<string> };
  readonly fetch?: typeof fetch;
  /** How long a listing is reused before asking the feed again. */
  readonly cacheTtlInMs?: number;
  readonly now?: () => number;
}

interface PackagesResponse {
  value?: Array<{
    id: string;
    name: string;
    normalizedName?: string;
    versions?: Array<{ id: string; version: string; normalizedVersion?: string; isDeleted?: boolean; publishDate?: string }>;
  }>;
}

interface PackageVersionResponse {
  id: string;
  version: string;
  normalizedVersion?: string;
  description?: string;
  publishDate?: string;
}

const API_VERSION = '7.1';

export class ArtifactsFirmwareCatalog implements FirmwareCatalog {
  private readonly fetch: typeof fetch;
  private readonly details = new Map<string, FirmwareVersion>(); // by version id: published versions are immutable
  private listing?: { at: number; versions: FirmwareVersion[] };

  constructor(private readonly options: ArtifactsCatalogOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  async list(options?: CatalogOperationOptions): Promise<FirmwareVersion[]> {
    const now = (this.options.now ?? Date.now)();
    if (this.listing && now - this.listing.at < (this.options.cacheTtlInMs ?? 60_000)) return [...this.listing.versions];
    const query = new URLSearchParams({
      protocolType: 'UPack',
      packageNameQuery: this.options.packageName,
      includeAllVersions: 'true',
      'api-version': API_VERSION,
    });
    const body = (await this.request(`${this.feedBase()}/packages?${query}`, options)) as PackagesResponse;
    const wanted = this.options.packageName.toLowerCase();
    const pkg = (body.value ?? []).find((p) => (p.normalizedName ?? p.name).toLowerCase() === wanted);
    if (!pkg) {
      throw new Error(`The feed ${this.options.feed} has no universal package "${this.options.packageName}"; publish one or set FEED_PACKAGE to its name`);
    }
    const versions: FirmwareVersion[] = [];
    for (const v of pkg.versions ?? []) {
      if (v.isDeleted) continue;
      let detail = this.details.get(v.id);
      if (!detail) {
        const raw = (await this.request(
          `${this.feedBase()}/Packages/${encodeURIComponent(pkg.id)}/versions/${encodeURIComponent(v.id)}?api-version=${API_VERSION}`,
          options,
        )) as PackageVersionResponse;
        detail = this.toFirmware(raw);
        this.details.set(v.id, detail);
      }
      versions.push(detail);
    }
    versions.sort((a, b) => compareVersions(b.version, a.version));
    this.listing = { at: now, versions };
    return [...versions];
  }

  async get(version: string, options?: CatalogOperationOptions): Promise<FirmwareVersion | undefined> {
    const wanted = version.replace(/^v/i, '');
    return (await this.list(options)).find((f) => f.version === wanted);
  }

  private feedBase(): string {
    const { organization, project, feed } = this.options;
    const scope = project ? `${encodeURIComponent(organization)}/${encodeURIComponent(project)}` : encodeURIComponent(organization);
    return `https://feeds.dev.azure.com/${scope}/_apis/packaging/Feeds/${encodeURIComponent(feed)}`;
  }

  private async request(url: string, options?: CatalogOperationOptions): Promise<unknown> {
    const signals = [options?.abortSignal, AbortSignal.timeout(options?.timeoutInMs ?? 15_000)].filter((s): s is AbortSignal => s !== undefined);
    const response = await this.fetch(url, {
      headers: { Authorization: await this.authorization(), Accept: 'application/json' },
      signal: AbortSignal.any(signals),
    });
    if (response.status === 401 || response.status === 403) {
      throw new Error(
        `Azure Artifacts refused the feed token (HTTP ${response.status}); give FEED_TOKEN a PAT with the Packaging (Read) scope, or grant the bot's identity Feed Reader on ${this.options.feed}`,
      );
    }
    if (response.status === 404) {
      throw new Error(
        `Azure Artifacts has no feed "${this.options.feed}" in ${this.options.organization}${this.options.project ? `/${this.options.project}` : ''} (HTTP 404); check FEED_ORGANIZATION, FEED_PROJECT and FEED_NAME`,
      );
    }
    if (!response.ok) throw new Error(`Azure Artifacts answered HTTP ${response.status} for the firmware feed; try again later`);
    const type = response.headers.get('content-type') ?? '';
    // A sign-in page instead of JSON means the token was not accepted.
    if (!type.includes('json')) throw new Error('Azure Artifacts answered with a sign-in page, not JSON; the feed token is missing or expired (FEED_TOKEN)');
    return response.json();
  }

  private async authorization(): Promise<string> {
    const c = this.options.credential;
    if ('pat' in c) return `Basic ${Buffer.from(`:${c.pat}`).toString('base64')}`;
    return `Bearer ${await c.getToken()}`;
  }

  private toFirmware(raw: PackageVersionResponse): FirmwareVersion {
    const meta = parseDescription(raw.description ?? '');
    const version = raw.normalizedVersion ?? raw.version;
    const { organization, project, feed, packageName } = this.options;
    return {
      version,
      sha256: meta.sha256 ?? '',
      sizeBytes: meta.size ?? 0,
      releaseNotes: meta.notes,
      compatibleModels: meta.models ?? [],
      packageUri: meta.uri ?? `azure-artifacts://${organization}/${project ?? '_'}/${feed}/${packageName}@${version}`,
      publishedAt: raw.publishDate,
    };
  }
}

/** Splits a package description into metadata lines (`key: value`) and release notes. */
export function parseDescription(description: string): { notes: string; sha256?: string; size?: number; models?: string[]; uri?: string } {
  const notes: string[] = [];
  const meta: { sha256?: string; size?: number; models?: string[]; uri?: string } = {};
  for (const line of description.split(/\r?\n/)) {
    const match = /^\s*(sha256|size|models|uri)\s*:\s*(.*?)\s*$/i.exec(line);
    if (!match) {
      notes.push(line);
      continue;
    }
    const [, key = '', value = ''] = match;
    switch (key.toLowerCase()) {
      case 'sha256':
        if (/^[0-9a-f]{64}$/i.test(value)) meta.sha256 = value.toLowerCase();
        break;
      case 'size':
        if (/^\d+$/.test(value)) meta.size = Number(value);
        break;
      case 'models':
        meta.models = value
          .split(',')
          .map((m) => m.trim())
          .filter(Boolean);
        break;
      case 'uri':
        meta.uri = value;
        break;
    }
  }
  return { notes: notes.join('\n').trim(), ...meta };
}
