import type { Alert } from './alert';
import { BatchedAlertFailed, type AlertIngestor, type IngestResult } from './ingest';
import type { UnitOfWork } from '../unit-of-work';

interface Pending {
  readonly alert: Alert;
  readonly payload: string;
  resolve(result: IngestResult): void;
  reject(error: unknown): void;
}

/**
 * Alerts arriving together are stored in one unit of work, with a statement per table for
 * all of them (AlertIngestor.ingestTogether). When one of them fails, the unit of work rolls
 * back, that alert is retried alone (in a unit of work of its own) and the others together
 * again; when a statement for the whole batch fails, each is retried alone. One bad alert
 * fails alone and none is lost. A failed commit (or disk flush) fails the batch: its
 * alerts may be in the store already, so a retry here could answer "duplicate" for alerts
 * that are not durable; Azure retries them instead. Every caller gets its answer only once the unit of work is durable, so a 2xx still
 * means "durable". The next batch is stored while the store makes
 * this one durable (SQLite shares its disk flushes between batches: group commit).
 */
export class IngestBatcher {
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly ingestor: AlertIngestor,
    private readonly unitOfWork: UnitOfWork,
    private readonly maxBatch = 256,
    /**
     * Batches being stored at once. Two where the store makes a batch durable off the event
     * loop (SQLite's group commit): the next is stored meanwhile. One where each batch costs
     * round trips (PostgreSQL): more would split the arrivals into smaller transactions that
     * queue on the same storm rows (a batch holds their locks until it commits).
     */
    private readonly maxInFlight = 2,
  ) {}

  private inFlight = 0;

  submit(alert: Alert, payload: string): Promise<IngestResult> {
    return new Promise<IngestResult>((resolve, reject) => {
      this.queue.push({ alert, payload, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    // After the current I/O callbacks: requests that arrived together join one batch.
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    // By rule (stable: one alert's notifications keep their order): every batch, on every
    // replica, locks storm rows in the same order, so two batches wait, never deadlock.
    const batch = this.queue.splice(0, this.maxBatch).sort((a, b) => (a.alert.rule < b.alert.rule ? -1 : a.alert.rule > b.alert.rule ? 1 : 0));
    this.inFlight++;
    if (this.queue.length > 0) this.schedule();
    // Answers wait for durability; the next batch is stored meanwhile.
    void this.store(batch).finally(() => {
      this.inFlight--;
      if (this.queue.length > 0) this.schedule();
    });
  }

  private async store(batch: readonly Pending[]): Promise<void> {
    let results: IngestResult[];
    try {
      results = await this.unitOfWork.run(() => this.ingestor.ingestTogether(batch));
    } catch (error) {
      if (!(error instanceof BatchedAlertFailed)) {
        // The commit (or the disk flush) failed: nothing of the batch is durable; each webhook answers 5xx and Azure retries.
        for (const item of batch) item.reject(error);
        return;
      }
      const failed = error.index === undefined ? undefined : batch[error.index];
      if (!failed) {
        // A statement for the whole batch failed: any alert may be the cause, so each goes alone.
        await Promise.all(batch.map((item) => this.storeAlone(item)));
        return;
      }
      const others = batch.filter((item) => item !== failed);
      await Promise.all([this.storeAlone(failed), others.length > 0 ? this.store(others) : undefined]);
      return;
    }
    for (const [i, item] of batch.entries()) item.resolve(results[i]!);
  }

  /** An alert that failed in a batch, on its own: whatever other alerts did cannot fail it now. */
  private async storeAlone(item: Pending): Promise<void> {
    try {
      const [result] = await this.unitOfWork.run(() => this.ingestor.ingestTogether([item]));
      item.resolve(result!);
    } catch (error) {
      item.reject(error instanceof BatchedAlertFailed ? error.cause : error);
    }
  }
}
