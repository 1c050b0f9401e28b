import { LRUCache } from 'lru-cache';

/** Looks a device's site up (its twin's `site` tag); undefined when the device or the tag is not there. */
export type SiteLookup = (deviceId: string) => Promise<string | undefined>;

export interface DeviceSitesOptions {
  /** How long a site found is trusted: sites are tags people change rarely. */
  readonly ttlMs?: number;
  /** How long "no site" (no device, no tag) is trusted: shorter, so a device tagged now gets its site soon. */
  readonly missingTtlMs?: number;
  /** Devices remembered at most (the least recently used go first). */
  readonly max?: number;
  /** The clock the TTLs count on (ms, monotonic). */
  readonly now?: () => number;
}

/** The cache holds found sites as strings and "no site" as this. */
const NO_SITE = '';

/**
 * The sites of devices alerts name, read from the fleet once per device and TTL. An alert
 * storm names the same devices again and again, and IoT Hub allows 100 twin reads a second
 * on S1 (research/rollouts-and-iothub.md): reading each alert's twin would be throttled at
 * the moment the on-call engineer needs the site on the card. Lookups of one device in
 * flight at once are made once; a lookup that fails (a timeout, a 429) is not remembered.
 */
export class DeviceSites {
  private readonly cache: LRUCache<string, string>;
  private readonly missingTtlMs: number;

  constructor(lookup: SiteLookup, options: DeviceSitesOptions = {}) {
    this.missingTtlMs = options.missingTtlMs ?? 60_000;
    const now = options.now;
    this.cache = new LRUCache<string, string>({
      max: options.max ?? 50_000,
      ttl: options.ttlMs ?? 10 * 60_000,
      // Read the clock on every check (no cached time between timer ticks): exact TTLs, at a negligible cost.
      ttlResolution: 0,
      ...(now ? { perf: { now } } : {}),
      fetchMethod: async (deviceId, _stale, { options: fetchOptions }) => {
        const site = await lookup(deviceId);
        if (site === undefined) fetchOptions.ttl = this.missingTtlMs;
        return site ?? NO_SITE;
      },
    });
  }

  /** The device's site, or undefined (no device, no tag, or the lookup failed). */
  async siteOf(deviceId: string): Promise<string | undefined> {
    try {
      const site = await this.cache.fetch(deviceId);
      return site === undefined || site === NO_SITE ? undefined : site;
    } catch {
      return undefined;
    }
  }
}
