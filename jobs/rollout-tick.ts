import cron from 'node-cron';
import { FLEETOPS_ACTOR, type AuditLog } from '../core/audit/audit-log';
import type { Logger } from '../core/logger';
import type { RolloutEvent } from '../core/rollouts/engine';
import type { RolloutAnnouncer } from '../core/rollouts/announcer';
import type { RolloutService } from '../core/rollouts/service';

/** Starts `work` on a schedule; returns how to stop it. Injected so tests drive ticks by hand. */
export type Scheduler = (expression: string, work: () => Promise<void>) => { stop(): void };

export const cronScheduler: Scheduler = (expression, work) => {
  const task = cron.schedule(expression, work, { noOverlap: true, name: 'rollout-tick' });
  return { stop: () => void task.stop() };
};

/**
 * Every 10 s: one engine tick (progress, gates, dispatch), then the cards: the progress
 * card of every rollout that moved, and an alert card for every gate breach.
 */
export class RolloutTickJob {
  private task?: { stop(): void };

  constructor(
    private readonly service: RolloutService,
    private readonly announcer: RolloutAnnouncer,
    private readonly log: Logger,
    private readonly scheduler: Scheduler = cronScheduler,
    private readonly expression = '*/10 * * * * *',
    /** The engine's own transitions (gate pause, wave passed, completed) go to the audit log, FleetOps as the actor. */
    private readonly audit?: AuditLog,
  ) {}

  start(): void {
    this.task ??= this.scheduler(this.expression, () => this.runOnce());
  }

  stop(): void {
    this.task?.stop();
    this.task = undefined;
  }

  private async recordAutomatic(event: RolloutEvent): Promise<void> {
    if (event.kind === 'progress' || !this.audit) return;
    const what =
      event.kind === 'gate-breached'
        ? { action: 'rollout.pause', detail: `the health gate paused wave ${event.wave}: ${event.gate.reason ?? 'gate breached'}` }
        : event.kind === 'wave-passed'
          ? { action: 'rollout.wave-passed', detail: `wave ${event.wave} passed its gate; the next wave awaits approval` }
          : { action: 'rollout.complete', detail: 'every wave passed its gate' };
    await this.audit.record({ ...FLEETOPS_ACTOR, ...what, target: event.rolloutId, outcome: 'ok' });
  }

  async runOnce(): Promise<void> {
    try {
      const events = await this.service.tick();
      for (const event of events) {
        await this.recordAutomatic(event);
        if (event.kind === 'gate-breached') await this.announcer.gateBreached(event);
      }
      for (const id of new Set(events.map((e) => e.rolloutId))) await this.announcer.progress(id);
    } catch (error) {
      this.log.error({ err: String(error) }, 'rollout tick failed');
    }
  }
}
