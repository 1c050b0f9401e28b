import type { Alert } from './alert';
import type { AlertIngestor, IngestOutcome, IngestResult } from './ingest';
import type { UnitOfWork } from '../unit-of-work';

interface Pending {
  readonly alert: Alert;
  readonly payload: string;
  resolve(result: IngestResult): void;
  reject(error: unknown): void;
}

/**
 * Alerts arriving together are stored in one unit of work, each inside its own savepoint
 * so one bad alert fails alone. Every caller gets its answer only once the unit of work is
 * durable, so a 2xx still means "durable". The next batch is stored while the store makes
 * this one durable (SQLite shares its disk flushes between batches: group commit).
 */
export class IngestBatcher {
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly ingestor: AlertIngestor,
    private readonly unitOfWork: UnitOfWork,
    private readonly maxBatch = 256,
  ) {}

  submit(alert: Alert, payload: string): Promise<IngestResult> {
    return new Promise<IngestResult>((resolve, reject) => {
      this.queue.push({ alert, payload, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // After the current I/O callbacks: requests that arrived together join one batch.
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue.splice(0, this.maxBatch);
    if (this.queue.length > 0) this.schedule();
    // Answers wait for durability; the next batch is stored meanwhile.
    this.unitOfWork
      .run(() => this.ingestor.ingestAll(batch))
      .then(
        (outcomes: IngestOutcome[]) =>
          batch.forEach((item, i) => {
            const outcome = outcomes[i]!;
            if (outcome.ok) item.resolve(outcome.result);
            else item.reject(outcome.error);
          }),
        (error: unknown) => {
          for (const item of batch) item.reject(error);
        },
      );
  }
}
