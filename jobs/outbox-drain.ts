import type { OutboxSender } from '../core/notifications/outbox-sender';
import type { Logger } from '../core/logger';

/**
 * Keeps the outbox moving: drains whenever woken (a new post) and whenever the rate
 * limiter or a backoff says the next item is due. A timer, not cron: Teams' windows are
 * one second wide.
 */
export class OutboxDrainJob {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stopped = false;
  private again = false;

  constructor(
    private readonly sender: OutboxSender,
    private readonly log: Logger,
    private readonly idleCheckMs = 5_000,
  ) {}

  start(): void {
    this.stopped = false;
    this.wake();
  }

  /** Run a pass soon (coalesces bursts of posts into one pass). */
  wake = (): void => {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  };

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), ms);
    this.timer.unref?.();
  }

  private async run(): Promise<void> {
    if (this.stopped) return;
    this.running = true;
    let next: number | undefined;
    try {
      const result = await this.sender.drainOnce();
      next = result.nextInMs;
    } catch (error) {
      this.log.error({ err: String(error) }, 'outbox pass failed');
      next = 1_000;
    } finally {
      this.running = false;
    }
    if (this.stopped) return;
    if (this.again) {
      this.again = false;
      next = 0;
    }
    this.schedule(next === undefined ? this.idleCheckMs : Math.max(next, 0));
  }

  /** Sends what it can until the outbox is empty or `timeoutInMs` passed (SIGTERM). */
  async drain(timeoutInMs: number, pending: () => Promise<number>): Promise<number> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const deadline = Date.now() + timeoutInMs;
    while ((await pending()) > 0 && Date.now() < deadline) {
      const result = await this.sender.drainOnce();
      if ((await pending()) === 0) break;
      const wait = Math.min(result.nextInMs ?? 200, Math.max(0, deadline - Date.now()));
      await new Promise((resolve) => setTimeout(resolve, Math.max(wait, 20)));
    }
    return pending();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
