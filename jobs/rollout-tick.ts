import { FLEETOPS_ACTOR, type AuditLog } from '../core/audit/audit-log';
import type { Logger } from '../core/logger';
import type { EngineEvent } from '../core/rollouts/engine';
import type { RolloutService } from '../core/rollouts/service';
import type { ScheduledJob, Scheduler } from '../core/scheduling/scheduler';

/** The tick's period: on the clock's 10-second marks, as the cron expression `*\/10 * * * * *` had it. */
export const ROLLOUT_TICK_MS = 10_000;

/**
 * Every 10 s: one engine tick (progress, gates, dispatch); the service publishes its events
 * (the cards: an alert for every gate breach, the progress card of every rollout that moved)
 * and the job records what FleetOps did by itself in the audit log. On one replica only
 * (under the job's lease): two ticks at once would dispatch the same wave twice.
 */
export class RolloutTickJob {
  private task?: ScheduledJob;

  constructor(
    private readonly service: RolloutService,
    private readonly log: Logger,
    private readonly scheduler: Scheduler,
    /** The engine's own transitions (gate pause, wave passed, completed) go to the audit log, FleetOps as the actor. */
    private readonly audit?: AuditLog,
  ) {}

  start(): void {
    this.task ??= this.scheduler.add({
      name: 'rollout-tick',
      runs: 'on-one-replica',
      everyMs: ROLLOUT_TICK_MS,
      aligned: true,
      run: () => this.runOnce(),
    });
  }

  async stop(): Promise<void> {
    const task = this.task;
    this.task = undefined;
    await task?.stop();
  }

  private async recordAutomatic(event: EngineEvent): Promise<void> {
    if (event.kind === 'progress' || !this.audit) return;
    const what =
      event.kind === 'gate-breached'
        ? { action: 'rollout.pause', detail: `the health gate paused wave ${event.wave}: ${event.gate.reason ?? 'gate breached'}` }
        : event.kind === 'wave-passed'
          ? { action: 'rollout.wave-passed', detail: `wave ${event.wave} passed its gate; the next wave awaits approval` }
          : { action: 'rollout.complete', detail: 'every wave passed its gate' };
    await this.audit.record({ ...FLEETOPS_ACTOR, ...what, target: event.rolloutId, outcome: 'ok' });
  }

  /** Timed-out devices per active rollout, to audit the ones a tick times out. */
  private async timedOutCounts(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    if (!this.audit) return counts;
    for (const r of await this.service.list(20)) {
      if (r.state !== 'running' && r.state !== 'paused' && r.state !== 'awaiting-approval') continue;
      counts.set(r.id, (await this.service.view(r.id))?.totals.timedOut ?? 0);
    }
    return counts;
  }

  /** Devices a phase timeout gave up on during this tick: one audit entry per rollout, FleetOps as the actor. */
  private async recordTimeouts(before: ReadonlyMap<string, number>, moved: ReadonlySet<string>): Promise<void> {
    for (const id of moved) {
      const was = before.get(id);
      const now = (await this.service.view(id))?.totals.timedOut;
      if (was === undefined || now === undefined || now <= was) continue;
      const n = now - was;
      await this.audit?.record({
        ...FLEETOPS_ACTOR,
        action: 'rollout.timeout',
        target: id,
        outcome: 'ok',
        detail: `${n} device${n === 1 ? '' : 's'} timed out in an update phase`,
      });
    }
  }

  async runOnce(): Promise<void> {
    try {
      const before = await this.timedOutCounts();
      const events = await this.service.tick();
      for (const event of events) await this.recordAutomatic(event);
      await this.recordTimeouts(before, new Set(events.map((e) => e.rolloutId)));
    } catch (error) {
      this.log.error({ err: String(error) }, 'rollout tick failed');
    }
  }
}
