import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';

/**
 * The SQLite connection the stores use: Node's built-in `node:sqlite` (Node >= 22.13), so
 * nothing compiles at install.
 *
 * The surface is the small, synchronous one the stores were written against (on
 * better-sqlite3): prepare → run/get/all/iterate, pluck/raw modes, transaction functions,
 * pragma. `NodeSqlite` is its only implementation.
 */
export interface SqliteDatabase {
  /** The file it was opened on (':memory:' in tests). */
  readonly name: string;
  readonly memory: boolean;
  readonly inTransaction: boolean;
  /** Typed like better-sqlite3's: bind parameters (an array of positional ones, or an object of named ones) and the row type. */
  prepare<P extends unknown[] | object = unknown[], R = unknown>(sql: string): SqliteStatement<P, R>;
  exec(sql: string): unknown;
  /** `PRAGMA <source>`: every row, or with `simple` the first column of the first row. */
  pragma(source: string, options?: { simple?: boolean }): unknown;
  /** Wraps `work` in BEGIN/COMMIT (a SAVEPOINT when nested); an exception rolls back. */
  transaction<A extends unknown[], T>(work: (...args: A) => T): TransactionFunction<A, T>;
  close(): unknown;
}

export type TransactionFunction<A extends unknown[], T> = ((...args: A) => T) & { immediate(...args: A): T };

type Bind<P> = P extends unknown[] ? P : [P];

export interface SqliteStatement<P extends unknown[] | object = unknown[], R = unknown> {
  run(...params: Bind<P>): { changes: number; lastInsertRowid: number | bigint };
  get(...params: Bind<P>): R | undefined;
  all(...params: Bind<P>): R[];
  iterate(...params: Bind<P>): IterableIterator<R>;
  /** Rows become their first column's value. */
  pluck(on?: boolean): this;
  /** Rows become arrays of column values. */
  raw(on?: boolean): this;
}

type Params = [Record<string, SQLInputValue>, ...SQLInputValue[]] | SQLInputValue[];

/**
 * One compiled statement per SQL text and connection: node:sqlite compiles on every
 * `prepare`, and some stores prepare filter-shaped SQL in hot paths. Modes (pluck/raw) live
 * in the wrapper, so sharing the compiled statement is safe; interleaved `iterate()`s of one
 * SQL text would reset each other (nothing iterates today).
 */
const MAX_CACHED_STATEMENTS = 500;

class NodeSqliteStatement<P extends unknown[] | object = unknown[], R = unknown> implements SqliteStatement<P, R> {
  private mode: 'objects' | 'arrays' | 'first' = 'objects';

  constructor(private readonly statement: StatementSync) {}

  run(...params: Bind<P>) {
    this.statement.setReturnArrays(false);
    const result = this.statement.run(...(bindable(params) as SQLInputValue[]));
    return { changes: Number(result.changes), lastInsertRowid: result.lastInsertRowid };
  }

  get(...params: Bind<P>): R | undefined {
    this.statement.setReturnArrays(this.mode !== 'objects');
    const row: unknown = this.statement.get(...(bindable(params) as SQLInputValue[]));
    // The row type is the caller's promise about its SQL (as with better-sqlite3).
    return (this.mode === 'first' && row !== undefined ? firstColumn(row) : row) as R | undefined;
  }

  all(...params: Bind<P>): R[] {
    this.statement.setReturnArrays(this.mode !== 'objects');
    const rows: unknown[] = this.statement.all(...(bindable(params) as SQLInputValue[]));
    if (this.mode === 'first') for (let i = 0; i < rows.length; i++) rows[i] = firstColumn(rows[i]);
    return rows as R[];
  }

  *iterate(...params: Bind<P>): IterableIterator<R> {
    this.statement.setReturnArrays(this.mode !== 'objects');
    const first = this.mode === 'first';
    for (const row of this.statement.iterate(...(bindable(params) as SQLInputValue[]))) yield (first ? firstColumn(row) : row) as R;
  }

  pluck(on = true): this {
    return this.withMode(on ? 'first' : 'objects');
  }

  raw(on = true): this {
    return this.withMode(on ? 'arrays' : 'objects');
  }

  private withMode(mode: NodeSqliteStatement['mode']): this {
    const copy = new NodeSqliteStatement<P, R>(this.statement) as this;
    copy.mode = mode;
    return copy;
  }
}

/** With `setReturnArrays(true)` node:sqlite returns rows as arrays, though its types say objects. */
function firstColumn(row: unknown): unknown {
  return Array.isArray(row) ? row[0] : undefined;
}

/** better-sqlite3 spreads array arguments and binds booleans as 0/1 nowhere; keep its calling convention: `run(a, b)`, `run([a, b])`, `run({ named })`. */
function bindable(params: readonly unknown[]): Params {
  if (params.length === 1 && Array.isArray(params[0])) return params[0] as SQLInputValue[];
  return params as Params;
}

export class NodeSqlite implements SqliteDatabase {
  readonly memory: boolean;
  private readonly db: DatabaseSync;
  private readonly statements = new Map<string, StatementSync>();
  private savepoints = 0;

  constructor(
    readonly name: string,
    options: { readOnly?: boolean; timeoutMs?: number } = {},
  ) {
    this.memory = name === ':memory:' || name === '';
    this.db = new DatabaseSync(name, { readOnly: options.readOnly ?? false, timeout: options.timeoutMs ?? 5_000 });
  }

  get inTransaction(): boolean {
    return this.db.isTransaction;
  }

  prepare<P extends unknown[] | object = unknown[], R = unknown>(sql: string): SqliteStatement<P, R> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      if (this.statements.size >= MAX_CACHED_STATEMENTS) this.statements.delete(this.statements.keys().next().value as string);
      this.statements.set(sql, statement);
    }
    return new NodeSqliteStatement<P, R>(statement);
  }

  exec(sql: string): void {
    this.db.exec(sql);
  }

  pragma(source: string, options: { simple?: boolean } = {}): unknown {
    const statement = this.db.prepare(`PRAGMA ${source}`);
    if (!options.simple) return statement.all();
    statement.setReturnArrays(true);
    const row: unknown = statement.get();
    return firstColumn(row);
  }

  transaction<A extends unknown[], T>(work: (...args: A) => T): TransactionFunction<A, T> {
    const run =
      (begin: string) =>
      (...args: A): T => {
        if (this.db.isTransaction) return this.savepoint(() => work(...args));
        this.db.exec(begin);
        try {
          const result = work(...args);
          if (result instanceof Promise) throw new TypeError('A transaction function must not return a promise: its writes would commit before it settles');
          this.db.exec('COMMIT');
          return result;
        } catch (error) {
          if (this.db.isTransaction) this.db.exec('ROLLBACK');
          throw error;
        }
      };
    return Object.assign(run('BEGIN'), { immediate: run('BEGIN IMMEDIATE') });
  }

  close(): void {
    this.statements.clear();
    if (this.db.isOpen) this.db.close();
  }

  private savepoint<T>(work: () => T): T {
    const name = `nested_${++this.savepoints}`;
    this.db.exec(`SAVEPOINT ${name}`);
    try {
      const result = work();
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
