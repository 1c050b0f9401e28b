/** Cancels what `after` scheduled (calling it twice, or after it ran, does nothing). */
export type Cancel = () => void;

/**
 * Time for the scheduler: a millisecond clock and one-shot timers, injected so unit tests
 * move time by hand (`ManualTimers`) instead of waiting on it. Real time, not the domain's
 * `Clock`: leases and Teams' windows are real seconds even when a test moves its domain clock.
 */
export interface Timers {
  now(): number;
  after(ms: number, callback: () => void): Cancel;
}

/** setTimeout, unref'd: a pending job never keeps the process alive on its own. */
export const realTimers: Timers = {
  now: () => Date.now(),
  after(ms, callback) {
    const timer = setTimeout(callback, Math.max(0, ms));
    timer.unref();
    return () => clearTimeout(timer);
  },
};

/** Timers a test moves: `advance` fires what falls due, in time order, letting each callback's promises settle. */
export class ManualTimers implements Timers {
  private current: number;
  private sequence = 0;
  private readonly pending = new Map<number, { at: number; callback: () => void }>();

  constructor(start = Date.parse('2026-01-01T00:00:00Z')) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  after(ms: number, callback: () => void): Cancel {
    const id = ++this.sequence;
    this.pending.set(id, { at: this.current + Math.max(0, ms), callback });
    return () => void this.pending.delete(id);
  }

  /** Timers waiting to fire. */
  get size(): number {
    return this.pending.size;
  }

  /** Moves time forward by `ms`, firing each due timer at its own time (earliest first, then in the order set). */
  async advance(ms: number): Promise<void> {
    const until = this.current + ms;
    for (;;) {
      await settle();
      let next: [number, { at: number; callback: () => void }] | undefined;
      for (const entry of this.pending) if (entry[1].at <= until && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.pending.delete(next[0]);
      this.current = Math.max(this.current, next[1].at);
      next[1].callback();
    }
    this.current = until;
    await settle();
  }
}

/** Lets callbacks' promise chains (in-memory fakes) run to their end before time moves on. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
