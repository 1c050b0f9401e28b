import type { FirmwareCatalog } from '../ports/feed';
import type { FleetClient } from '../ports/fleet';
import type { Clock } from '../clock';
import { FleetReader } from './fleet-reader';
import { FAILURE_STATES, IN_FLIGHT_STATES, RETRYABLE_STATES, sumStates, type Rollout, type RolloutState } from './model';
import { conflictMessage } from './planner';
import type { RolloutPatch, RolloutRepository } from './repository';
import type { Serial } from './serial';
import type { UnitOfWork } from '../unit-of-work';

export type ActionOutcome =
  | { readonly ok: true; readonly rollout: Rollout; readonly message: string }
  | { readonly ok: false; readonly rollout?: Rollout; readonly message: string };

export interface ActionActor {
  readonly name: string;
}

const hhmm = (iso: string) => `${iso.slice(11, 16)} UTC`;
export const describeState = (r: Rollout): string =>
  r.state === 'running' ? `running wave ${r.currentWave}` : r.state === 'awaiting-approval' ? `waiting for approval of wave ${r.currentWave}` : r.state;

/**
 * What release leads and operators do to a rollout. Every transition names the version it
 * was decided on: a stale card, or the second of two simultaneous clicks, changes nothing
 * and is told what happened instead.
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

  start(id: string, expectedVersion: number | undefined, actor: ActionActor): Promise<ActionOutcome> {
    return this.transition(id, expectedVersion, ['planned'], 'start', actor, async (r, at) => {
      const conflicts = await this.repo.conflicts(r.id);
      if (conflicts.length > 0) return { refuse: conflictMessage(conflicts) };
      return {
        patch: { state: 'running', currentWave: 1, waves: r.waves.map((w) => (w.index === 1 ? { ...w, startedAt: at, approvedBy: actor.name } : w)) },
        what: 'started wave 1',
      };
    });
  }

  approve(id: string, expectedVersion: number | undefined, actor: ActionActor): Promise<ActionOutcome> {
    return this.transition(id, expectedVersion, ['awaiting-approval'], 'approve the next wave', actor, (r, at) => ({
      patch: { state: 'running', waves: r.waves.map((w) => (w.index === r.currentWave ? { ...w, startedAt: at, approvedBy: actor.name } : w)) },
      what: `approved wave ${r.currentWave}`,
    }));
  }

  pause(id: string, expectedVersion: number | undefined, actor: ActionActor): Promise<ActionOutcome> {
    return this.transition(id, expectedVersion, ['running'], 'pause', actor, (r) => ({
      patch: { state: 'paused', pauseReason: `paused by ${actor.name}` },
      what: `paused wave ${r.currentWave}`,
    }));
  }

  resume(id: string, expectedVersion: number | undefined, actor: ActionActor): Promise<ActionOutcome> {
    return this.transition(id, expectedVersion, ['paused'], 'resume', actor, async (r) => {
      // Failures already counted were looked at by whoever resumes: they no longer trip the gate.
      const counts = (await this.repo.waveCounts(r.id)).find((c) => c.wave === r.currentWave)?.counts ?? {};
      const failures = sumStates(counts, FAILURE_STATES);
      return {
        patch: {
          state: 'running',
          pauseReason: undefined,
          waves: r.waves.map((w) => (w.index === r.currentWave ? { ...w, acknowledgedFailures: failures } : w)),
        },
        what: `resumed wave ${r.currentWave}${failures > 0 ? ` (acknowledging ${failures} failure${failures === 1 ? '' : 's'})` : ''}`,
      };
    });
  }

  async retryFailed(id: string, expectedVersion: number | undefined, actor: ActionActor): Promise<ActionOutcome> {
    let requeued = 0;
    const outcome = await this.transition(id, expectedVersion, ['running', 'paused', 'awaiting-approval'], 'retry failed devices', actor, async (r) => {
      const lastStarted = r.state === 'awaiting-approval' ? r.currentWave - 1 : r.currentWave;
      const counts = (await this.repo.waveCounts(r.id)).filter((c) => c.wave >= 1 && c.wave <= lastStarted);
      const retryable = counts.reduce((n, c) => n + sumStates(c.counts, RETRYABLE_STATES), 0);
      if (retryable === 0) return { refuse: `Nothing to retry: no device of ${r.id} failed, timed out, rolled back or was skipped offline.` };
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
    return outcome.ok ? { ...outcome, message: `${outcome.message} ${requeued} device${requeued === 1 ? '' : 's'} queued again.` } : outcome;
  }

  /** Aborts; queued devices are canceled, and with `revert` devices that have not started get their previous version back. */
  async abort(id: string, expectedVersion: number | undefined, actor: ActionActor, options: { revert?: boolean } = {}): Promise<ActionOutcome> {
    let canceled = 0;
    const outcome = await this.transition(id, expectedVersion, ['planned', 'awaiting-approval', 'running', 'paused'], 'abort', actor, (r) => ({
      patch: { state: 'aborted', pauseReason: undefined },
      what: 'aborted',
      // The queue is canceled with the state change: no tick can dispatch between the two.
      alongside: async () => {
        canceled = await this.repo.moveAll(r.id, ['queued'], 'canceled', `aborted by ${actor.name}`, this.clock.now().getTime());
      },
    }));
    if (!outcome.ok) return outcome;
    return this.serial.run(async () => {
      const now = this.clock.now().getTime();
      const reverted = options.revert ? await this.revertNotStarted(outcome.rollout, actor, now) : { reverted: 0, missing: [] as string[] };
      // Summed over the waves: after a retry, devices of several waves can be mid-update at once.
      const inFlight = (await this.repo.waveCounts(id)).reduce((n, wave) => n + sumStates(wave.counts, IN_FLIGHT_STATES), 0);
      const parts = [`${canceled} queued device${canceled === 1 ? '' : 's'} canceled`];
      if (options.revert) parts.push(`${reverted.reverted} not-yet-started device${reverted.reverted === 1 ? '' : 's'} set back to their previous version`);
      if (reverted.missing.length > 0) parts.push(`not reverted (version not in the catalog): ${reverted.missing.join(', ')}`);
      if (inFlight > 0) parts.push(`${inFlight} device${inFlight === 1 ? '' : 's'} mid-update carry on and stay tracked`);
      return { ok: true, rollout: (await this.repo.get(id)) ?? outcome.rollout, message: `${outcome.message} ${parts.join('; ')}.` };
    });
  }

  /**
   * Takes one device out of an active rollout (it is canceled and no longer counts toward the
   * gates). A transition like the others: it names the card's version when it comes from a
   * button, and the last change on the card says who excluded which device.
   */
  async exclude(id: string, deviceId: string, actor: ActionActor, expectedVersion?: number): Promise<ActionOutcome> {
    const from = ['queued', ...IN_FLIGHT_STATES, ...RETRYABLE_STATES] as const;
    try {
      const outcome = await this.transition(
        id,
        expectedVersion,
        ['planned', 'awaiting-approval', 'running', 'paused'],
        `exclude ${deviceId} from`,
        actor,
        (r) => ({
          patch: {},
          what: `excluded ${deviceId}`,
          alongside: async () => {
            // In the transition's unit of work: a device that cannot be excluded leaves the version as it was.
            if (!(await this.repo.moveDevice(r.id, deviceId, from, 'canceled', `excluded by ${actor.name}`, this.clock.now().getTime())))
              throw new NotExcludable();
          },
        }),
      );
      if (!outcome.ok) return outcome;
      return {
        ...outcome,
        message: `${actor.name} excluded ${deviceId} from ${outcome.rollout.id}: it no longer counts toward the gates (if its update already started, it may still finish on the device).`,
      };
    } catch (error) {
      if (!(error instanceof NotExcludable)) throw error;
      const rollout = await this.repo.get(id);
      return {
        ok: false,
        rollout,
        message: `${deviceId} is not a pending or failed target of ${rollout?.id ?? id}, so nothing changed; \`rollout status ${rollout?.id ?? id}\` shows its devices.`,
      };
    }
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
    from: readonly RolloutState[],
    verb: string,
    actor: ActionActor,
    decide: (r: Rollout, at: string) => Decision | Promise<Decision>,
  ): Promise<ActionOutcome> {
    const rollout = await this.repo.get(id);
    if (!rollout) return { ok: false, message: `There is no rollout ${id}; \`rollouts\` lists them.` };
    if (expectedVersion !== undefined && expectedVersion !== rollout.version) return { ok: false, rollout, message: staleMessage(rollout) };
    if (!from.includes(rollout.state)) {
      return {
        ok: false,
        rollout,
        message: `Nothing changed: ${rollout.id} is ${describeState(rollout)} (last: ${rollout.lastChange.by} ${rollout.lastChange.what} at ${hhmm(rollout.lastChange.at)}), so there is nothing to ${verb}.`,
      };
    }
    const at = this.clock.now().toISOString();
    const decision = await decide(rollout, at);
    if ('refuse' in decision) return { ok: false, rollout, message: decision.refuse };
    // Device moves that belong to the transition commit with it, and only when it applies.
    const next = await this.unitOfWork.run(async () => {
      const moved = await this.repo.transition(rollout.id, rollout.version, { ...decision.patch, lastChange: { by: actor.name, at, what: decision.what } });
      if (moved && 'alongside' in decision && decision.alongside) await decision.alongside();
      return moved;
    });
    if (!next) {
      const now = (await this.repo.get(rollout.id)) ?? rollout;
      return { ok: false, rollout: now, message: staleMessage(now) };
    }
    return { ok: true, rollout: next, message: `${actor.name} ${decision.what} of ${next.id} (${next.firmware.version}); it is now ${describeState(next)}.` };
  }
}

type Decision = { patch: RolloutPatch; what: string; alongside?: () => Promise<void> } | { refuse: string };

class NotExcludable extends Error {}

function staleMessage(r: Rollout): string {
  return `Nothing changed: someone acted first. ${r.lastChange.by} ${r.lastChange.what} at ${hhmm(r.lastChange.at)}; ${r.id} is now ${describeState(r)}. The card shows the current state.`;
}
