import { entraTokenSource } from '../../backends/devops/entra';
import { ArtifactsFirmwareCatalog } from '../../backends/feed/artifacts';
import { LocalFirmwareCatalog } from '../../backends/feed/local';
import type { FirmwareCatalog } from '../../core/ports/feed';
import { defineFeature, type Platform } from './feature';

/**
 * Firmware: the catalog of versions, for rollouts (`firmware`, `rollout plan`) and for the
 * simulated fleet (which versions make a device fail).
 *
 * Settings (readConfig: config.feed):
 *   FEED_BACKEND=local|artifacts (default: artifacts when FEED_ORGANIZATION is set)
 *   FEED_ORGANIZATION, FEED_PROJECT (optional), FEED_NAME, FEED_PACKAGE (default device-firmware),
 *   FEED_TOKEN (a PAT with Packaging Read, or keyvault:NAME; without it an Entra token is used)
 */
export const firmwareFeature = defineFeature({
  name: 'firmware',
  needs: [],
  async create(deps) {
    const feed = catalog(deps);
    return {
      provides: { feed, isBadVersion: feed instanceof LocalFirmwareCatalog ? (version: string) => feed.isBadVersion(version) : undefined },
    };
  },
});

function catalog(deps: Platform): FirmwareCatalog {
  const feed = deps.config.feed;
  if (feed.backend === 'local') return new LocalFirmwareCatalog(deps.config.dataDir);
  return new ArtifactsFirmwareCatalog({
    organization: feed.organization,
    project: feed.project,
    feed: feed.feed,
    packageName: feed.packageName,
    // Azure Artifacts is Azure DevOps: the same Entra token source (one credential, its token cached).
    credential: feed.token ? { pat: feed.token } : { getToken: entraTokenSource() },
  });
}
