import type { FirmwareCatalog } from '../ports/feed';
import type { FleetClient } from '../ports/fleet';
import type { Clock } from '../clock';
import { silentLogger, type Logger } from '../logger';
import { RolloutActions } from './actions';
import type { RolloutAnnouncer } from './announcer';
import { RolloutEngine, type EngineOptions, type RolloutEvent } from './engine';
import { FleetReader } from './fleet-reader';
import { ACTIVE_ROLLOUT_STATES, FAILURE_STATES, type Rollout, type RolloutSettings } from './model';
import { planRollout, type PlannedRollout, type PlanRequest } from './planner';
import type { Membership, RolloutRepository } from './repository';
import { Serial } from './serial';
import { buildView, type RolloutView } from './view';
import type { UnitOfWork } from '../unit-of-work';

export interface RolloutServiceDeps {
  readonly repo: RolloutRepository;
  readonly unitOfWork: UnitOfWork;
  readonly fleet: FleetClient;
  readonly catalog: FirmwareCatalog;
  readonly clock: Clock;
  readonly log?: Logger;
  readonly defaults?: Partial<RolloutSettings>;
  readonly engine?: EngineOptions;
}

/** The rollouts domain as commands, cards and jobs use it. */
export class RolloutService {
  readonly engine: RolloutEngine;
  readonly actions: RolloutActions;
  private readonly reader: FleetReader;
  /** Set by the composition root; commands call `announce` after a transition so every copy of the card updates. */
  announcer?: RolloutAnnouncer;

  constructor(private readonly deps: RolloutServiceDeps) {
    const serial = new Serial();
    this.engine = new RolloutEngine(deps.repo, deps.fleet, deps.clock, serial, deps.log ?? silentLogger, deps.engine);
    this.actions = new RolloutActions(deps.repo, deps.fleet, deps.catalog, deps.clock, serial, deps.unitOfWork);
    this.reader = new FleetReader(deps.fleet);
  }

  get catalog(): FirmwareCatalog {
    return this.deps.catalog;
  }

  plan(request: PlanRequest): Promise<PlannedRollout> {
    return planRollout(
      { repo: this.deps.repo, catalog: this.deps.catalog, reader: this.reader, clock: this.deps.clock, defaults: this.deps.defaults },
      request,
    );
  }

  async get(id: string): Promise<Rollout | undefined> {
    return await this.deps.repo.get(normalizeId(id));
  }

  async list(limit = 10): Promise<Rollout[]> {
    return await this.deps.repo.list({ limit });
  }

  /** The most recent active rollout, for `rollout status` without an id. */
  async latestActive(): Promise<Rollout | undefined> {
    return (await this.deps.repo.list({ limit: 1, states: ACTIVE_ROLLOUT_STATES }))[0] ?? (await this.deps.repo.list({ limit: 1 }))[0];
  }

  async view(id: string): Promise<RolloutView | undefined> {
    const rollout = await this.get(id);
    if (!rollout) return undefined;
    const failures = await this.deps.repo.devices(rollout.id, FAILURE_STATES, { limit: 5 });
    return buildView(rollout, await this.deps.repo.waveCounts(rollout.id), failures, this.deps.clock.now());
  }

  /** For the device status card: the device's rollout and wave. */
  async membershipOf(deviceId: string): Promise<Membership | undefined> {
    return await this.deps.repo.membershipOf(deviceId);
  }

  tick(): Promise<RolloutEvent[]> {
    return this.engine.tick();
  }

  async announce(rolloutId: string): Promise<void> {
    await this.announcer?.progress(rolloutId);
  }
}

/** `r7`, `R7` and `7` all name rollout R7. */
export const normalizeId = (id: string): string => {
  const trimmed = id.trim();
  return /^\d+$/.test(trimmed) ? `R${trimmed}` : trimmed.toUpperCase();
};
