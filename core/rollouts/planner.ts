import type { TimeWindow } from '../oncall/window';
import type { DeviceFilter } from '../ports/fleet';
import { firmwareFlag, type FirmwareCatalog } from '../ports/feed';
import type { Clock } from '../clock';
import { Refusal } from '../refusal';
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
    throw new Refusal('firmware_not_in_catalog', { version: request.version, known });
  }
  if (!/^[0-9a-f]{64}$/.test(firmware.sha256)) {
    throw new Refusal('firmware_without_checksum', { version: firmware.version });
  }
  const targets = await deps.reader.targets(request.filter);
  if (targets.length === 0) throw new Refusal('rollout_no_matching_devices', { filterText: request.filterText });
  const plan: WavePlan = planWaves(firmware, targets, request.waves ?? deps.defaults?.waves ?? DEFAULT_SETTINGS.waves);
  const eligible = targets.length - plan.alreadyCurrent - plan.incompatible;
  if (eligible === 0) {
    throw new Refusal('rollout_nothing_to_roll_out', {
      filterText: request.filterText,
      version: firmware.version,
      targets: targets.length,
      alreadyCurrent: plan.alreadyCurrent,
      incompatible: plan.incompatible,
      incompatibleModels: plan.incompatibleModels,
      compatibleModels: firmware.compatibleModels,
    });
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
    throw new Refusal('rollout_targets_overlap', { conflicts });
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
