import type { FirmwareCatalog } from '../ports/feed';
import type { FleetClient } from '../ports/fleet';
import type { Clock } from '../clock';
import { silentLogger, type Logger } from '../logger';
import { RolloutActions, type ActionActor, type ActionResult, type RolloutStateVerb } from './actions';
import { RolloutEngine, type EngineOptions, type EngineEvent } from './engine';
import { ROLLOUT_EVENT_OF_VERB, type RolloutActionEvent, type RolloutEvent } from './events';
import type { PublishEvent } from '../notifications/broadcaster';
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
  /** Where every change goes (the feature's broadcaster turns them into cards); without it, changes are not told. */
  readonly publish?: PublishEvent<RolloutEvent>;
}

/** The rollouts domain as commands, cards and jobs use it. */
export class RolloutService {
  readonly engine: RolloutEngine;
  readonly actions: RolloutActions;
  private readonly reader: FleetReader;

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

  /**
   * A person applies a verb of the transition table. The change is published as an event
   * holding the rollout's view after it; the caller renders its reply from the same event.
   */
  async perform(verb: RolloutStateVerb, id: string, expectedVersion: number | undefined, actor: ActionActor, options: { revert?: boolean } = {}) {
    const done = await this.actions.perform(verb, id, expectedVersion, actor, options);
    return await this.told(done, (view, at) => ({ type: ROLLOUT_EVENT_OF_VERB[verb], rolloutId: done.rollout.id, view, at, actor, message: done.message }));
  }

  /** Takes a device out of a rollout; published like `perform`. */
  async exclude(id: string, deviceId: string, actor: ActionActor, expectedVersion?: number) {
    const done = await this.actions.exclude(id, deviceId, actor, expectedVersion);
    return await this.told(done, (view, at) => ({
      type: 'rollout.device-excluded',
      rolloutId: done.rollout.id,
      view,
      at,
      actor,
      message: done.message,
      deviceId,
    }));
  }

  /**
   * One engine tick, then its events: a gate breach's, then one `progressed` per rollout that
   * moved, each with the rollout's view after the tick (built once per rollout).
   */
  async tick(): Promise<EngineEvent[]> {
    const outcomes = await this.engine.tick();
    const publish = this.deps.publish;
    if (!publish) return outcomes;
    const at = this.deps.clock.now().toISOString();
    const views = new Map<string, RolloutView>();
    for (const id of new Set(outcomes.map((o) => o.rolloutId))) {
      const view = await this.view(id);
      if (view) views.set(id, view);
    }
    for (const outcome of outcomes) {
      const view = views.get(outcome.rolloutId);
      if (outcome.kind === 'gate-breached' && view)
        await publish({
          type: 'rollout.gate-breached',
          rolloutId: outcome.rolloutId,
          view,
          at,
          wave: outcome.wave,
          gate: outcome.gate,
          failing: outcome.failing,
        });
    }
    for (const [rolloutId, view] of views) await publish({ type: 'rollout.progressed', rolloutId, view, at });
    return outcomes;
  }

  /** Builds the view once, publishes the event and hands it back with the transition's line. */
  private async told<E extends RolloutActionEvent>(done: ActionResult, event: (view: RolloutView, at: string) => E): Promise<{ message: string; event: E }> {
    const view = await this.view(done.rollout.id);
    // The rollout was changed a moment ago; only a concurrent delete (none exists) could lose it.
    if (!view) throw new Error(`rollout ${done.rollout.id} vanished after its transition`);
    const told = event(view, this.deps.clock.now().toISOString());
    await this.deps.publish?.(told);
    return { message: done.message, event: told };
  }
}

/** `r7`, `R7` and `7` all name rollout R7. */
export const normalizeId = (id: string): string => {
  const trimmed = id.trim();
  return /^\d+$/.test(trimmed) ? `R${trimmed}` : trimmed.toUpperCase();
};
