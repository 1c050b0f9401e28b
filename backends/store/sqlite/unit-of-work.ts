import { CommitCallbacks, type Transaction, type UnitOfWork } from '../../../core/unit-of-work';
import { WalGroupCommit } from './alerts-group-commit';
import type { SqliteDatabase } from './driver';
import { gateOf } from './gate';

/**
 * The unit of work on SQLite: one transaction on the shared connection, held for the
 * work's duration (the gate queues other callers meanwhile). It commits through the group
 * commit: the connection is free again at COMMIT, and `run` resolves once a disk flush
 * that started after it has completed, so a caller answering 2xx still means "durable".
 * A `run` inside another is a savepoint.
 */
export class SqliteUnitOfWork implements UnitOfWork {
  private current: CommitCallbacks | undefined;
  private savepoints = 0;

  constructor(
    private readonly db: SqliteDatabase,
    /** Also read for its stats and to hook the checkpointer. */
    readonly commits: WalGroupCommit = new WalGroupCommit(db),
  ) {}

  async run<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const gate = gateOf(this.db);
    if (gate.inside && this.current) return this.savepoint(this.current, work);
    const tx = new CommitCallbacks();
    const { result, durable } = await gate.exclusive(async () => {
      this.current = tx;
      try {
        return await this.commits.commitAsync(() => work(tx));
      } finally {
        this.current = undefined;
      }
    });
    await durable;
    tx.committed();
    return result;
  }

  private async savepoint<T>(tx: CommitCallbacks, work: (tx: Transaction) => Promise<T>): Promise<T> {
    const name = `uow_${++this.savepoints}`;
    this.db.exec(`SAVEPOINT ${name}`);
    try {
      const result = await work(tx);
      this.db.exec(`RELEASE ${name}`);
      return result;
    } catch (error) {
      this.db.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
      throw error;
    } finally {
      this.savepoints--;
    }
  }
}
