/** The transaction a unit of work runs in. */
export interface Transaction {
  /** Runs once the transaction is committed and durable; not at all when it rolls back. */
  afterCommit(callback: () => void): void;
}

/**
 * Makes a group of repository writes atomic and durable. Every repository call made while
 * `work` runs (in it, or in functions it awaits) joins the transaction; when `run` resolves,
 * all of it survives a crash; when it rejects, none of it was stored. A `run` inside
 * another is a savepoint: it fails alone without failing the outer one.
 *
 * Hold a unit of work only across store calls, never across a network call: the store may
 * serialise units of work (SQLite) or hold a connection for it (PostgreSQL).
 */
export interface UnitOfWork {
  run<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
}

/** A transaction's afterCommit callbacks, kept until the unit of work calls `committed`. */
export class CommitCallbacks implements Transaction {
  private readonly callbacks: Array<() => void> = [];

  afterCommit(callback: () => void): void {
    this.callbacks.push(callback);
  }

  committed(): void {
    for (const callback of this.callbacks) callback();
  }
}

/** For code that has no store behind it (unit tests of pure logic): runs the work, nothing to commit. */
export const immediateUnitOfWork: UnitOfWork = {
  async run(work) {
    const tx = new CommitCallbacks();
    const result = await work(tx);
    tx.committed();
    return result;
  },
};
