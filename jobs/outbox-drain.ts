import type { OutboxSender } from '../core/notifications/outbox-sender';
import type { Logger } from '../core/logger';
import type { ScheduledJob, Scheduler } from '../core/scheduling/scheduler';

/**
 * Keeps the outbox moving: drains whenever woken (a new post) and whenever the rate
 * limiter or a backoff says the next item is due (the run's `nextInMs`: Teams' windows are
 * one second wide), else every `idleCheckMs`. It runs on every replica: `due` claims rows
 * with FOR UPDATE SKIP LOCKED and a lease, so replicas draining together send different
 * rows, and a survivor's drain wakes when a dead replica's row lease ends.
 */
export class OutboxDrainJob {
  private job: ScheduledJob | undefined;

  constructor(
    private readonly sender: OutboxSender,
    private readonly log: Logger,
    private readonly scheduler: Scheduler,
    private readonly idleCheckMs = 5_000,
  ) {}

  start(): void {
    this.job ??= this.scheduler.add({
      name: 'outbox-drain',
      runs: 'on-every-replica',
      everyMs: this.idleCheckMs,
      firstAfterMs: 0,
      run: async () => {
        try {
          return { nextInMs: (await this.sender.drainOnce()).nextInMs };
        } catch (error) {
          this.log.error({ err: String(error) }, 'outbox pass failed');
          return { nextInMs: 1_000 };
        }
      },
    });
  }

  /** Run a pass soon (coalesces bursts of posts into one pass). */
  wake = (): void => {
    this.job?.wake(0);
  };

  /**
   * Sends what it can until the outbox is empty or `timeoutInMs` passed (SIGTERM). A plain
   * timer, not the scheduler's: the wait must keep a stopping process alive.
   */
  async drain(timeoutInMs: number, pending: () => Promise<number>): Promise<number> {
    await this.stop();
    const deadline = Date.now() + timeoutInMs;
    while ((await pending()) > 0 && Date.now() < deadline) {
      const result = await this.sender.drainOnce();
      if ((await pending()) === 0) break;
      const wait = Math.min(result.nextInMs ?? 200, Math.max(0, deadline - Date.now()));
      await new Promise((resolve) => setTimeout(resolve, Math.max(wait, 20)));
    }
    return pending();
  }

  async stop(): Promise<void> {
    const job = this.job;
    this.job = undefined;
    await job?.stop();
  }
}
