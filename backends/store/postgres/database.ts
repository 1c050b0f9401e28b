import { AsyncLocalStorage } from 'node:async_hooks';
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { CommitCallbacks, type Transaction, type UnitOfWork } from '../../../core/unit-of-work';

/**
 * The state on PostgreSQL: a pool, and the unit of work that is open on this async path.
 * A repository call made inside `unitOfWork.run` (AsyncLocalStorage tells) runs on that
 * transaction's connection; any other runs on the pool, in its own implicit transaction.
 */
export class PostgresDatabase {
  private readonly context = new AsyncLocalStorage<PostgresTransaction>();
  readonly unitOfWork: UnitOfWork;

  constructor(readonly pool: Pool) {
    this.unitOfWork = { run: (work) => this.run(work) };
  }

  /**
   * `prepared` names the statement: each connection parses and plans it once and then only
   * binds and executes it (for the statements of the hot paths; the name must be unique to the SQL).
   */
  async query<R extends QueryResultRow = QueryResultRow>(sql: string, params: readonly unknown[] = [], prepared?: string): Promise<R[]> {
    const result = await this.executor().query<R>({ text: sql, values: [...params], name: prepared });
    return result.rows;
  }

  /** Rows changed by an INSERT/UPDATE/DELETE. */
  async execute(sql: string, params: readonly unknown[] = [], prepared?: string): Promise<number> {
    const result = await this.executor().query({ text: sql, values: [...params], name: prepared });
    return result.rowCount ?? 0;
  }

  /**
   * Keys noted in the transaction open on this path (e.g. "this storm is marked dirty
   * already"), forgotten when a savepoint of it rolls back (a new, empty set from then on,
   * so the set also serves as a key for what a repository remembers of the transaction);
   * undefined outside one.
   */
  transactionNotes(): Set<string> | undefined {
    const tx = this.context.getStore();
    return tx && !tx.finished ? tx.notes : undefined;
  }

  /**
   * How many changes `table` had seen when the unit of work open on this path began (see
   * generation-cache.ts); undefined outside one, or once it has written the table itself (its
   * own writes are not committed, so no copy shared with other transactions may hold them).
   */
  generationAtStart(table: string): number | undefined {
    const tx = this.context.getStore();
    return tx && !tx.finished && !tx.wrote.has(table) ? tx.generations.get(table) : undefined;
  }

  /** The unit of work open on this path wrote `table` (marks stay until it ends, through savepoint rollbacks: erring towards reading). */
  notedWrite(table: string): void {
    const tx = this.context.getStore();
    if (tx && !tx.finished) tx.wrote.add(table);
  }

  /** Runs `callback` once the unit of work open on this path has committed; at once when none is open. */
  afterCommit(callback: () => void): void {
    const tx = this.context.getStore();
    if (tx && !tx.finished) tx.afterCommit(callback);
    else callback();
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private executor(): Pool | PoolClient {
    const tx = this.context.getStore();
    return tx && !tx.finished ? tx.client : this.pool;
  }

  private async run<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const open = this.context.getStore();
    if (open && !open.finished) return open.savepoint(work);
    const client = await this.pool.connect();
    const tx = new PostgresTransaction(client);
    let result: T;
    try {
      // One round trip: the transaction's BEGIN also reads the change counts its caches are checked against.
      // (pg answers a query of two statements with an array of two results, which its types do not say.)
      const results: unknown = await client.query('BEGIN; SELECT name, generation FROM change_generations');
      const counts: ReadonlyArray<{ name: string; generation: string }> = Array.isArray(results) ? (results[1]?.rows ?? []) : [];
      for (const { name, generation } of counts) tx.generations.set(name, Number(generation));
      result = await this.context.run(tx, () => work(tx));
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      tx.finished = true;
      // A connection whose ROLLBACK failed may be broken: do not hand it to the next caller.
      client.release(error instanceof Error && /connection|terminat/i.test(error.message) ? error : undefined);
      throw error;
    }
    tx.finished = true;
    client.release();
    tx.committed();
    return result;
  }
}

class PostgresTransaction extends CommitCallbacks {
  finished = false;
  notes = new Set<string>();
  /** change_generations as read with BEGIN. */
  readonly generations = new Map<string, number>();
  /** Tables this transaction wrote. */
  readonly wrote = new Set<string>();
  private savepoints = 0;

  constructor(readonly client: PoolClient) {
    super();
  }

  /** Nested units of work run one after the other; each can fail alone. */
  async savepoint<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const name = `uow_${++this.savepoints}`;
    await this.client.query(`SAVEPOINT ${name}`);
    try {
      const result = await work(this);
      await this.client.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (error) {
      await this.client.query(`ROLLBACK TO SAVEPOINT ${name}`);
      // What the savepoint wrote is gone; so may be what a note says (notes are hints, forgetting is safe).
      this.notes = new Set();
      throw error;
    } finally {
      this.savepoints--;
    }
  }
}
