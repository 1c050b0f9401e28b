import type { Alert } from './alert';
import type { AlertIngestor, IngestOutcome, IngestResult } from './ingest';
import type { AlertRepository } from './repository';

interface Pending {
  readonly alert: Alert;
  readonly payload: string;
  resolve(result: IngestResult): void;
  reject(error: unknown): void;
}

/**
 * Group commit: alerts arriving together are stored in one transaction, each inside its
 * own savepoint so one bad alert fails alone. Every caller gets its answer only once the
 * transaction is on disk, so a 2xx still means "durable"; the flush to disk is shared
 * with the batches committed while it runs and does not block the event loop.
 */
export class IngestBatcher {
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly ingestor: AlertIngestor,
    private readonly repo: AlertRepository,
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
    let outcomes: IngestOutcome[];
    let durable: Promise<void>;
    try {
      ({ result: outcomes, durable } = this.repo.groupCommit(() => this.ingestor.ingestAll(batch)));
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    // Answers wait for the disk flush; the next batch is stored meanwhile.
    durable.then(
      () =>
        batch.forEach((item, i) => {
          const outcome = outcomes[i]!;
          if (outcome.ok) item.resolve(outcome.result);
          else item.reject(outcome.error);
        }),
      (error: unknown) => batch.forEach((item) => item.reject(error)),
    );
  }
}
