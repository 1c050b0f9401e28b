import type { PostgresDatabase } from './database';

/**
 * A copy, kept by this replica, of what it reads from a table that every alert batch reads
 * and people change rarely (subscriptions, silences). A trigger counts each statement that
 * changes the table (change_generations, migration 0202); every transaction reads the counts
 * with its BEGIN; a transaction is served the copy when the copy is no older than the count
 * it began with, and reads the table otherwise (and keeps what it read for the next one).
 * So a batch sees every change committed before it began, as a read at its start would,
 * and saves the round trips. Outside a unit of work, and in one that wrote the table, the
 * table is read every time.
 */
export class GenerationCache<V> {
  private copy: { readonly generation: number; readonly value: V } | undefined;

  constructor(
    private readonly db: PostgresDatabase,
    private readonly table: string,
  ) {}

  /**
   * The value, from the copy or from `read` (the table's change count and the value in one
   * statement, so the two agree); `covers` says whether a copy answers this call (e.g. it
   * holds the rows from a time on).
   */
  async get(read: () => Promise<{ generation: number; value: V }>, covers: (value: V) => boolean = () => true): Promise<V> {
    const began = this.db.generationAtStart(this.table);
    if (began === undefined) return (await read()).value;
    if (this.copy && this.copy.generation >= began && covers(this.copy.value)) return this.copy.value;
    const fresh = await read();
    if (!this.copy || fresh.generation >= this.copy.generation) this.copy = fresh;
    return fresh.value;
  }

  /** Call before writing the table: the open unit of work reads it itself from now on. */
  writing(): void {
    this.db.notedWrite(this.table);
  }
}

/** The statement a GenerationCache reads with: the table's change count and `rows` (a JSON array of rows) as of one snapshot. */
export const withGeneration = (table: string, rows: string): string =>
  `SELECT (SELECT generation FROM change_generations WHERE name = '${table}') AS generation, COALESCE((${rows}), '[]'::json) AS rows`;
