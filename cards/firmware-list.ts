import { compareVersions, firmwareFlag, type FirmwareVersion } from '../core/ports/feed';
import { card, executeAction, type AdaptiveCard, type CardElement } from './card';
import { ROLLOUT_VERBS } from './rollout-format';

const MAX_VERSIONS = 15;

export interface FirmwareListView {
  readonly versions: readonly FirmwareVersion[];
  /** Where the catalog lives, e.g. "Azure Artifacts feed firmware" or "local catalog". */
  readonly source: string;
}

/** `firmware`: the catalog, newest first, flagged versions marked, with a plan button for the newest good release. */
export function firmwareListCard({ versions, source }: FirmwareListView): AdaptiveCard {
  const sorted = [...versions].sort((a, b) => compareVersions(b.version, a.version));
  const shown = sorted.slice(0, MAX_VERSIONS);
  const body: CardElement[] = [
    { type: 'TextBlock', text: 'Firmware versions', size: 'Large', weight: 'Bolder', wrap: true },
    {
      type: 'TextBlock',
      text: `${versions.length} in the ${source}${versions.length > shown.length ? `, newest ${shown.length} shown` : ''}`,
      isSubtle: true,
      spacing: 'None',
      wrap: true,
    },
    ...shown.map(versionBlock),
  ];
  const newestRelease = sorted.find((v) => !v.version.includes('-') && !firmwareFlag(v));
  const flagged = sorted.find((v) => !v.version.includes('-') && firmwareFlag(v));
  if (newestRelease && flagged && compareVersions(flagged.version, newestRelease.version) > 0) {
    body.push({
      type: 'TextBlock',
      text: `Newest good version: **${newestRelease.version}** (${flagged.version} is marked ${firmwareFlag(flagged)}).`,
      wrap: true,
      spacing: 'Medium',
    });
  }
  const actions = newestRelease
    ? [executeAction(`Plan rollout of ${newestRelease.version}`, ROLLOUT_VERBS.plan, { version: newestRelease.version }, 'positive')]
    : [];
  if (versions.length === 0) body.push({ type: 'TextBlock', text: 'The catalog is empty: publish a firmware package to the feed first.', wrap: true });
  return card(body, actions);
}

function versionBlock(v: FirmwareVersion): CardElement {
  const models = v.compatibleModels.length > 0 ? v.compatibleModels.join(', ') : 'all models';
  const details = [
    `${(v.sizeBytes / 1_048_576).toFixed(1)} MB`,
    models,
    v.publishedAt ? v.publishedAt.slice(0, 10) : undefined,
    v.sha256 ? `sha256 ${v.sha256.slice(0, 12)}…` : 'no checksum',
  ]
    .filter(Boolean)
    .join(' · ');
  return {
    type: 'Container',
    separator: true,
    spacing: 'Medium',
    items: [
      { type: 'TextBlock', text: `**${v.version}**${v.version.includes('-') ? ' (pre-release)' : ''}`, wrap: true },
      ...(firmwareFlag(v)
        ? [
            {
              type: 'TextBlock',
              text: `⚠ Marked **${firmwareFlag(v)}** in the catalog: do not roll it out`,
              color: 'Attention',
              weight: 'Bolder',
              spacing: 'None',
              wrap: true,
            },
          ]
        : []),
      { type: 'TextBlock', text: details, isSubtle: true, size: 'Small', spacing: 'None', wrap: true },
      ...(v.releaseNotes ? [{ type: 'TextBlock', text: v.releaseNotes.slice(0, 300), wrap: true, spacing: 'Small', maxLines: 3 }] : []),
    ],
  };
}
