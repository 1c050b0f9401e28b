import type { FirmwareCatalog } from '../ports/feed';
import type { FleetClient } from '../ports/fleet';
import type { Clock } from '../clock';
import { FleetReader } from './fleet-reader';
import { FAILURE_STATES, IN_FLIGHT_STATES, RETRYABLE_STATES, sumStates, type Rollout } from './model';
import { Refusal, type RolloutFacts } from '../refusal';
import type { RolloutPatch, RolloutRepository } from './repository';
import type { Serial } from './serial';
import { ROLLOUT_TRANSITIONS, allows, type RolloutVerb } from './transitions';
import type { UnitOfWork } from '../unit-of-work';

/** A transition that happened: the rollout after it, and a line saying who did what. */
export interface ActionResult {
  readonly rollout: Rollout;
  readonly message: string;
}

export interface ActionActor {
  readonly name: string;
}

export const describeState = (r: Pick<Rollout, 'state' | 'currentWave'>): string =>
  r.state === 'running' ? `running wave ${r.currentWave}` : r.state === 'awaiting-approval' ? `waiting for approval of wave ${r.currentWave}` : r.state;

/** Where a rollout stands, for a refusal to tell what happened instead. */
export const rolloutFacts = (r: Rollout): RolloutFacts => ({
  rolloutId: r.id,
  state: r.state,
  currentWave: r.currentWave,
  lastBy: r.lastChange.by,
  lastWhat: r.lastChange.what,
  lastAt: r.lastChange.at,
});

/** The verbs `perform` takes (exclude names a device too). */
export type RolloutStateVerb = Exclude<RolloutVerb, 'exclude'>;

/**
 * What release leads and operators do to a rollout. Which verb applies in which state is
 * ROLLOUT_TRANSITIONS (transitions.ts); anything else is refused. Every transition names the
 * version it was decided on: a stale card, or the second of two simultaneous clicks, changes
 * nothing and is refused with what happened instead (`rollout_stale`).
 */
export class RolloutActions {
  private readonly reader: FleetReader;

  constructor(
    private readonly repo: RolloutRepository,
    private readonly fleet: FleetClient,
    private readonly catalog: FirmwareCatalog,
    private readonly clock: Clock,
    private readonly serial: Serial,
    private readonly unitOfWork: UnitOfWork,
  ) {
    this.reader = new FleetReader(fleet);
  }

  /** One verb of the table, as a command or a button names it. Throws a Refusal when it does not apply. */
  perform(
    verb: RolloutStateVerb,
    id: string,
    expectedVersion: number | undefined,
    actor: ActionActor,
    options: { revert?: boolean } = {},
  ): Promise<ActionResult> {
    switch (verb) {
      case 'start':
        return this.start(id, expectedVersion, actor);
      case 'approve':
        return this.approve(id, expectedVersion, actor);
      case 'pause':
        return this.pause(id, expectedVersion, actor);
      case 'resume':
        return this.resume(id, expectedVersion, actor);
      case 'retry':
        return this.retryFailed(id, expectedVersion, actor);
      case 'abort':
        return this.abort(id, expectedVersion, actor, options);
    }
  }

  start(id: string, expectedVersion: number | undefined, actor: ActionActor): Promise<ActionResult> {
    return this.transition(id, expectedVersion, 'start', actor, async (r, at) => {
      const conflicts = await this.repo.conflicts(r.id);
      if (conflicts.length > 0) throw new Refusal('rollout_targets_overlap', { conflicts });
      return {
        patch: { currentWave: 1, waves: r.waves.map((w) => (w.index === 1 ? { ...w, startedAt: at, approvedBy: actor.name } : w)) },
        what: 'started wave 1',
      };
    });
  }

  approve(id: string, expectedVersion: number | undefined, actor: ActionActor): Promise<ActionResult> {
    return this.transition(id, expectedVersion, 'approve', actor, (r, at) => ({
      patch: { waves: r.waves.map((w) => (w.index === r.currentWave ? { ...w, startedAt: at, approvedBy: actor.name } : w)) },
      what: `approved wave ${r.currentWave}`,
    }));
  }

  pause(id: string, expectedVersion: number | undefined, actor: ActionActor): Promise<ActionResult> {
    return this.transition(id, expectedVersion, 'pause', actor, (r) => ({
      patch: { pauseReason: `paused by ${actor.name}` },
      what: `paused wave ${r.currentWave}`,
    }));
  }

  resume(id: string, expectedVersion: number | undefined, actor: ActionActor): Promise<ActionResult> {
    return this.transition(id, expectedVersion, 'resume', actor, async (r) => {
      // Failures already counted were looked at by whoever resumes: they no longer trip the gate.
      const counts = (await this.repo.waveCounts(r.id)).find((c) => c.wave === r.currentWave)?.counts ?? {};
      const failures = sumStates(counts, FAILURE_STATES);
      return {
        patch: {
          pauseReason: undefined,
          waves: r.waves.map((w) => (w.index === r.currentWave ? { ...w, acknowledgedFailures: failures } : w)),
        },
        what: `resumed wave ${r.currentWave}${failures > 0 ? ` (acknowledging ${failures} failure${failures === 1 ? '' : 's'})` : ''}`,
      };
    });
  }

  async retryFailed(id: string, expectedVersion: number | undefined, actor: ActionActor): Promise<ActionResult> {
    let requeued = 0;
    const outcome = await this.transition(id, expectedVersion, 'retry', actor, async (r) => {
      const lastStarted = r.state === 'awaiting-approval' ? r.currentWave - 1 : r.currentWave;
      const counts = (await this.repo.waveCounts(r.id)).filter((c) => c.wave >= 1 && c.wave <= lastStarted);
      const retryable = counts.reduce((n, c) => n + sumStates(c.counts, RETRYABLE_STATES), 0);
      if (retryable === 0) throw new Refusal('rollout_nothing_to_retry', { rolloutId: r.id });
      return {
        patch: {
          // Waiting for the next wave's approval: the retried wave runs again first.
          ...(r.state === 'awaiting-approval' ? { state: 'running' as const, currentWave: lastStarted } : {}),
          waves: r.waves.map((w) => ({ ...w, acknowledgedFailures: 0, passedAt: w.index >= lastStarted ? undefined : w.passedAt })),
        },
        what: `retried ${retryable} device${retryable === 1 ? '' : 's'}`,
        alongside: async () => {
          requeued = await this.repo.requeue(r.id, RETRYABLE_STATES, lastStarted, this.clock.now().getTime());
        },
      };
    });
    return { ...outcome, message: `${outcome.message} ${requeued} device${requeued === 1 ? '' : 's'} queued again.` };
  }

  /** Aborts; queued devices are canceled, and with `revert` devices that have not started get their previous version back. */
  async abort(id: string, expectedVersion: number | undefined, actor: ActionActor, options: { revert?: boolean } = {}): Promise<ActionResult> {
    let canceled = 0;
    const outcome = await this.transition(id, expectedVersion, 'abort', actor, (r) => ({
      patch: { pauseReason: undefined },
      what: 'aborted',
      // The queue is canceled with the state change: no tick can dispatch between the two.
      alongside: async () => {
        canceled = await this.repo.moveAll(r.id, ['queued'], 'canceled', `aborted by ${actor.name}`, this.clock.now().getTime());
      },
    }));
    return this.serial.run(async () => {
      const now = this.clock.now().getTime();
      const reverted = options.revert ? await this.revertNotStarted(outcome.rollout, actor, now) : { reverted: 0, missing: [] as string[] };
      // Summed over the waves: after a retry, devices of several waves can be mid-update at once.
      const inFlight = (await this.repo.waveCounts(id)).reduce((n, wave) => n + sumStates(wave.counts, IN_FLIGHT_STATES), 0);
      const parts = [`${canceled} queued device${canceled === 1 ? '' : 's'} canceled`];
      if (options.revert) parts.push(`${reverted.reverted} not-yet-started device${reverted.reverted === 1 ? '' : 's'} set back to their previous version`);
      if (reverted.missing.length > 0) parts.push(`not reverted (version not in the catalog): ${reverted.missing.join(', ')}`);
      if (inFlight > 0) parts.push(`${inFlight} device${inFlight === 1 ? '' : 's'} mid-update carry on and stay tracked`);
      return { rollout: (await this.repo.get(id)) ?? outcome.rollout, message: `${outcome.message} ${parts.join('; ')}.` };
    });
  }

  /**
   * Takes one device out of an active rollout (it is canceled and no longer counts toward the
   * gates). A transition like the others: it names the card's version when it comes from a
   * button, and the last change on the card says who excluded which device.
   */
  async exclude(id: string, deviceId: string, actor: ActionActor, expectedVersion?: number): Promise<ActionResult> {
    const from = ['queued', ...IN_FLIGHT_STATES, ...RETRYABLE_STATES] as const;
    const outcome = await this.transition(
      id,
      expectedVersion,
      'exclude',
      actor,
      (r) => ({
        patch: {},
        what: `excluded ${deviceId}`,
        alongside: async () => {
          // In the transition's unit of work: a device that cannot be excluded leaves the version as it was.
          if (!(await this.repo.moveDevice(r.id, deviceId, from, 'canceled', `excluded by ${actor.name}`, this.clock.now().getTime())))
            throw new Refusal('rollout_device_not_excludable', { rolloutId: r.id, deviceId });
        },
      }),
      { deviceId },
    );
    return {
      ...outcome,
      message: `${actor.name} excluded ${deviceId} from ${outcome.rollout.id}: it no longer counts toward the gates (if its update already started, it may still finish on the device).`,
    };
  }

  private async revertNotStarted(rollout: Rollout, actor: ActionActor, now: number): Promise<{ reverted: number; missing: string[] }> {
    const targeted = await this.repo.devices(rollout.id, ['targeted']);
    const seen = await this.reader.observe(targeted.map((d) => d.deviceId));
    const byVersion = new Map<string, string[]>();
    for (const d of targeted) {
      const s = seen.get(d.deviceId);
      const notStarted =
        s !== undefined && (s.status === undefined || s.status === 'current' || s.status === d.baselineStatus) && s.currentVersion === d.previousVersion;
      if (!notStarted || !d.previousVersion) continue;
      byVersion.set(d.previousVersion, [...(byVersion.get(d.previousVersion) ?? []), d.deviceId]);
    }
    let reverted = 0;
    const missing: string[] = [];
    for (const [version, ids] of byVersion) {
      const firmware = await this.catalog.get(version);
      if (!firmware) {
        missing.push(`${version} (${ids.length})`);
        continue;
      }
      const patch = {
        firmware: {
          fwVersion: firmware.version,
          fwPackageURI: firmware.packageUri,
          fwPackageCheckValue: firmware.sha256,
          rolloutId: `${rollout.id}-revert`,
          waveId: 0,
        },
      };
      const results = await this.fleet.updateDesired(ids, patch);
      for (const r of results) {
        if (
          r.ok &&
          (await this.repo.moveDevice(rollout.id, r.deviceId, ['targeted'], 'canceled', `aborted by ${actor.name}; desired set back to ${version}`, now))
        )
          reverted++;
      }
    }
    return { reverted, missing };
  }

  private async transition(
    id: string,
    expectedVersion: number | undefined,
    verb: RolloutVerb,
    actor: ActionActor,
    decide: (r: Rollout, at: string) => Decision | Promise<Decision>,
    extraFacts: { deviceId?: string } = {},
  ): Promise<ActionResult> {
    const transition = ROLLOUT_TRANSITIONS[verb];
    const rollout = await this.repo.get(id);
    if (!rollout) throw new Refusal('rollout_not_found', { rolloutId: id });
    if (expectedVersion !== undefined && expectedVersion !== rollout.version) throw new Refusal('rollout_stale', rolloutFacts(rollout));
    if (!allows(verb, rollout.state)) throw refusedFrom(transition.refusal, rollout, extraFacts);
    const at = this.clock.now().toISOString();
    const decision = await decide(rollout, at);
    // The table says where the verb leads; a decision may only add to it (retry reruns a wave waiting for approval).
    const patch: RolloutPatch = transition.to === 'unchanged' ? decision.patch : { ...decision.patch, state: transition.to };
    // Device moves that belong to the transition commit with it, and only when it applies.
    const next = await this.unitOfWork.run(async () => {
      const moved = await this.repo.transition(rollout.id, rollout.version, { ...patch, lastChange: { by: actor.name, at, what: decision.what } });
      if (moved && decision.alongside) await decision.alongside();
      return moved;
    });
    if (!next) throw new Refusal('rollout_stale', rolloutFacts((await this.repo.get(rollout.id)) ?? rollout));
    return { rollout: next, message: `${actor.name} ${decision.what} of ${next.id} (${next.firmware.version}); it is now ${describeState(next)}.` };
  }
}

interface Decision {
  readonly patch: RolloutPatch;
  readonly what: string;
  readonly alongside?: () => Promise<void>;
}

/** The refusal of a verb the rollout's state does not allow (the code comes from the table). */
function refusedFrom(code: (typeof ROLLOUT_TRANSITIONS)[RolloutVerb]['refusal'], rollout: Rollout, extra: { deviceId?: string }): Refusal {
  return code === 'rollout_not_excludable'
    ? new Refusal(code, { ...rolloutFacts(rollout), deviceId: extra.deviceId ?? '' })
    : new Refusal(code, rolloutFacts(rollout));
}
