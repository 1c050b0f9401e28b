import type { TimeWindow } from '../oncall/window';
import type { DeviceFilter } from '../ports/fleet';
import { firmwareFlag, type FirmwareCatalog } from '../ports/feed';
import type { Clock } from '../clock';
import { RolloutRefused } from './errors';
import type { FleetReader } from './fleet-reader';
import { DEFAULT_SETTINGS, type Rollout, type RolloutSettings } from './model';
import { planWaves, type WavePlan } from './plan';
import type { RolloutRepository } from './repository';

export interface PlanRequest {
  readonly version: string;
  readonly filter: DeviceFilter;
  /** As the user typed it, for the cards. */
  readonly filterText: string;
  readonly waves?: readonly number[];
  /** The rollout window, validated against the soak (core/oncall/rollout-window.ts). */
  readonly window?: TimeWindow;
  readonly actor: { readonly name: string };
  readonly conversationId?: string;
}

export interface PlannedRollout {
  readonly rollout: Rollout;
  readonly targets: number;
  readonly waveSizes: readonly number[];
  readonly alreadyCurrent: number;
  readonly incompatible: number;
  readonly incompatibleModels: Readonly<Record<string, number>>;
  readonly releaseNotes: string;
  /** The catalog flags this version (e.g. 'bad': it fails and rolls back on devices). */
  readonly flag?: string;
}

/**
 * Plans a rollout: checks the version against the catalog, reads the targets, splits them
 * into waves and stores the plan. No device is written; Start does that. A plan that
 * overlaps an active rollout is refused, naming it.
 */
export async function planRollout(
  deps: { repo: RolloutRepository; catalog: FirmwareCatalog; reader: FleetReader; clock: Clock; defaults?: Partial<RolloutSettings> },
  request: PlanRequest,
): Promise<PlannedRollout> {
  const firmware = await deps.catalog.get(request.version);
  if (!firmware) {
    const known = (await deps.catalog.list()).slice(0, 5).map((f) => f.version);
    throw new RolloutRefused(
      `Firmware ${request.version} is not in the catalog${known.length ? `; available: ${known.join(', ')}` : ''}. \`firmware\` lists every version.`,
    );
  }
  if (!/^[0-9a-f]{64}$/.test(firmware.sha256)) {
    throw new RolloutRefused(
      `Firmware ${firmware.version} has no SHA-256 in the catalog, so devices could not verify it; publish it with a \`sha256:\` line in the description.`,
    );
  }
  const targets = await deps.reader.targets(request.filter);
  const where = request.filterText ? `\`${request.filterText}\`` : 'the fleet';
  if (targets.length === 0) throw new RolloutRefused(`No device matches ${where}; check the filter with \`devices ${request.filterText}\`.`);
  const plan: WavePlan = planWaves(firmware, targets, request.waves ?? deps.defaults?.waves ?? DEFAULT_SETTINGS.waves);
  const eligible = targets.length - plan.alreadyCurrent - plan.incompatible;
  if (eligible === 0) {
    const models = Object.entries(plan.incompatibleModels)
      .map(([m, n]) => `${m} (${n})`)
      .join(', ');
    const parts = [
      plan.alreadyCurrent > 0 ? `${plan.alreadyCurrent} already run ${firmware.version}` : '',
      plan.incompatible > 0 ? `${plan.incompatible} cannot run it (models ${models}; it supports ${firmware.compatibleModels.join(', ')})` : '',
    ].filter(Boolean);
    throw new RolloutRefused(`Nothing to roll out: of ${targets.length} devices matching ${where}, ${parts.join(' and ')}.`);
  }

  const now = deps.clock.now();
  const settings: RolloutSettings = {
    ...DEFAULT_SETTINGS,
    ...deps.defaults,
    ...(request.waves ? { waves: [...request.waves] } : {}),
    ...(request.window ? { window: request.window } : {}),
  };
  const id = await deps.repo.nextId();
  const rollout: Rollout = {
    id,
    version: 1,
    firmware: { version: firmware.version, packageUri: firmware.packageUri, sha256: firmware.sha256 },
    filterText: request.filterText,
    state: 'planned',
    currentWave: 0,
    waves: plan.waveSizes.map((size, i) => ({ index: i + 1, size, acknowledgedFailures: 0 })),
    settings,
    createdBy: request.actor.name,
    createdAt: now.toISOString(),
    conversationId: request.conversationId,
    lastChange: { by: request.actor.name, at: now.toISOString(), what: 'planned' },
  };
  await deps.repo.insertPlan(rollout, plan.devices, now.getTime());
  const conflicts = await deps.repo.conflicts(id);
  if (conflicts.length > 0) {
    await deps.repo.discardPlan(id);
    throw new RolloutRefused(conflictMessage(conflicts));
  }
  return {
    rollout,
    targets: targets.length,
    waveSizes: plan.waveSizes,
    alreadyCurrent: plan.alreadyCurrent,
    incompatible: plan.incompatible,
    incompatibleModels: plan.incompatibleModels,
    releaseNotes: firmware.releaseNotes,
    flag: firmwareFlag(firmware),
  };
}

export function conflictMessage(conflicts: ReadonlyArray<{ rolloutId: string; state: string; devices: number; example: string }>): string {
  const list = conflicts.map((c) => `${c.rolloutId} (${c.state}, ${c.devices} device${c.devices === 1 ? '' : 's'}, e.g. ${c.example})`).join('; ');
  return `These targets overlap an active rollout: ${list}. A device takes one rollout at a time; narrow the filter, or finish or abort that rollout first.`;
}
