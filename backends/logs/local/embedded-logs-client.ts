/**
 * The embedded log store: KQL compiled to DuckDB SQL, over a DuckDB file in DATA_DIR
 * (DeviceLogs, DeviceTelemetry, DeviceEvents and imported tables). Self-contained
 * queries (datatable/print/range) run on an in-memory database and never open the file.
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Clock } from '../../../core/clock';
import type { Logger } from '../../../core/logger';
import { KqlError } from '../kql/errors';
import type { CompiledQuery } from '../kql/compile';
import { QueryInterrupted } from '../deadline';
import { InProcessCompiler, type QueryCompiler } from '../kql/query-compiler';
import type { TableSchema } from '../kql/schema';
import { TICKS_PER_MS } from '../kql/types';
import {
  DEFAULT_MAX_ROWS,
  DEFAULT_TIMEOUT_MS,
  LogsQueryError,
  type LogsClient,
  type LogValue,
  type LogsQueryOptions,
  type LogsQueryResult,
  type LogsTableSchema,
} from '../../../core/ports/logs';
import { DuckDbSession } from './duckdb-session';
import { parseImportFile, type ParsedImport } from './import-file';
import { toStoreValue, type StoreValue } from './row-values';
import { readImportedTables, writeImportedTables } from './schema-file';
import { BUILTIN_TABLES } from './tables';
import { UserGate } from './user-gate';

export interface EmbeddedLogsOptions {
  readonly dataDir: string;
  readonly clock: Clock;
  readonly logger?: Logger;
  readonly threads?: number;
  readonly memoryLimit?: string;
  /** Open the file read-only (the CLI while nothing else writes). */
  readonly readOnly?: boolean;
  /** Keep the store in memory (tests, benchmarks). */
  readonly inMemory?: boolean;
  /** Where KQL is compiled; by default in this process. The bot gives the parser a process of its own. */
  readonly compiler?: (tables: readonly TableSchema[]) => QueryCompiler;
}

export class EmbeddedLogsClient implements LogsClient {
  readonly storeName = 'embedded DuckDB';
  private readonly compiler: QueryCompiler;
  private readonly gate = new UserGate();
  private imported: TableSchema[];
  private store?: Promise<DuckDbSession>;
  private scratch?: Promise<DuckDbSession>;

  constructor(private readonly options: EmbeddedLogsOptions) {
    this.imported = options.inMemory ? [] : readImportedTables(options.dataDir);
    this.compiler = options.compiler?.(this.tables()) ?? new InProcessCompiler(this.tables());
  }

  tables(): TableSchema[] {
    return [...BUILTIN_TABLES, ...this.imported];
  }

  async schema(): Promise<LogsTableSchema[]> {
    return this.tables().map((t) => ({ name: t.name, columns: t.columns.map((c) => ({ name: c.name, type: c.type })) }));
  }

  async query(kql: string, options: LogsQueryOptions = {}): Promise<LogsQueryResult> {
    const user = options.user;
    if (user !== undefined && !this.gate.tryEnter(user)) {
      throw new LogsQueryError('You already have a query running; wait for it to finish, then try again.', 'busy');
    }
    try {
      return await this.run(kql, options);
    } finally {
      if (user !== undefined) this.gate.leave(user);
    }
  }

  private async run(kql: string, options: LogsQueryOptions): Promise<LogsQueryResult> {
    const started = Date.now();
    const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
    const nowTicks = BigInt(this.options.clock.now().getTime()) * TICKS_PER_MS;
    const timeoutInMs = options.timeoutInMs ?? DEFAULT_TIMEOUT_MS;
    let compiled: CompiledQuery;
    try {
      compiled = await this.compiler.compile(
        kql,
        { nowTicks, maxRows: maxRows + 1, timeRange: timeRange(options, nowTicks) },
        { timeoutInMs, abortSignal: options.abortSignal },
      );
    } catch (error) {
      if (error instanceof QueryInterrupted) throw interrupted(error.reason, timeoutInMs);
      if (error instanceof KqlError) {
        const kind = /not supported/.test(error.message) ? 'unsupported' : 'syntax';
        throw new LogsQueryError(error.message, kind, { line: error.line, column: error.column, caret: error.caret });
      }
      throw error;
    }
    const session = compiled.tables.length > 0 ? await this.storeSession() : await this.scratchSession();
    let rows: LogValue[][];
    try {
      rows = await session.query(compiled.sql, compiled.params, compiled.columns, { timeoutInMs, abortSignal: options.abortSignal });
    } catch (error) {
      if (error instanceof QueryInterrupted) throw interrupted(error.reason, timeoutInMs);
      this.options.logger?.warn({ err: (error as Error).message }, 'embedded KQL query failed in DuckDB');
      throw new LogsQueryError(`The embedded store could not run this query: ${firstLine((error as Error).message)}`, 'server');
    }
    const truncated = rows.length > maxRows;
    return {
      tables: [{ name: 'PrimaryResult', columns: compiled.columns, rows: truncated ? rows.slice(0, maxRows) : rows }],
      render: compiled.render,
      truncated,
      store: this.storeName,
      statistics: { elapsedMs: Date.now() - started },
    };
  }

  /** Translation only (for tests and the benchmark, which compile in this process): SQL and parameters of a query. */
  compile(kql: string, nowTicks = BigInt(this.options.clock.now().getTime()) * TICKS_PER_MS) {
    const translator = this.compiler instanceof InProcessCompiler ? this.compiler : new InProcessCompiler(this.tables());
    return translator.compileNow(kql, { nowTicks });
  }

  warmUp(): Promise<void> {
    return this.compiler.warmUp();
  }

  /** Appends rows (objects keyed by column name) to a table: the simulated fleet's log sink (sim/log-sink.ts). */
  async ingest(table: string, rows: readonly Record<string, unknown>[]): Promise<number> {
    const schema = this.tables().find((t) => t.name === table);
    if (!schema) throw new LogsQueryError(`There is no table ${table}; import a file to create it.`, 'config');
    const values: StoreValue[][] = rows.map((row, i) =>
      schema.columns.map((c) => {
        const converted = toStoreValue(row[c.name], c.type);
        if (!converted.ok) throw new LogsQueryError(`Row ${i + 1}, column ${c.name}: ${converted.error}`, 'config');
        return converted.value;
      }),
    );
    await this.appendStoreValues(table, values);
    return values.length;
  }

  /** Appends rows already in the store's representation (the fast path for the simulator and the benchmark). */
  async appendStoreValues(table: string, rows: readonly (readonly StoreValue[])[]): Promise<void> {
    const schema = this.tables().find((t) => t.name === table);
    if (!schema) throw new LogsQueryError(`There is no table ${table}`, 'config');
    const session = await this.storeSession();
    await session.append(table, schema.columns, rows);
  }

  /** `fleetops logs import`: checks the whole file, creates the table if new, appends all rows or none. */
  async importFile(table: string, file: string): Promise<{ rows: number; created: boolean; columns: ParsedImport['columns'] }> {
    const existing = this.tables().find((t) => t.name.toLowerCase() === table.toLowerCase());
    const parsed = parseImportFile(file, existing?.name ?? table, existing);
    const session = await this.storeSession();
    const name = existing?.name ?? table;
    if (parsed.createsTable) {
      await session.createTable(name, parsed.columns);
    }
    await session.append(name, parsed.columns, parsed.rows);
    if (parsed.createsTable) {
      this.imported = [...this.imported, { name, columns: parsed.columns }];
      if (!this.options.inMemory) writeImportedTables(this.options.dataDir, this.imported);
      this.compiler.setTables(this.tables());
    }
    return { rows: parsed.rows.length, created: parsed.createsTable, columns: parsed.columns };
  }

  async close(): Promise<void> {
    await this.compiler.close();
    for (const pending of [this.store, this.scratch]) {
      if (pending !== undefined) (await pending.catch(() => undefined))?.close();
    }
    this.store = undefined;
    this.scratch = undefined;
  }

  /** The session on the store file (public for bench/kql.ts, which times SQL on it directly). */
  storeSession(): Promise<DuckDbSession> {
    if (!this.store) this.store = this.openStore();
    return this.store;
  }

  private scratchSession(): Promise<DuckDbSession> {
    // One thread: small inputs keep their order, as they do in Kusto.
    if (!this.scratch) this.scratch = DuckDbSession.open({ path: ':memory:', threads: 1, memoryLimit: '512MB' });
    return this.scratch;
  }

  private async openStore(): Promise<DuckDbSession> {
    const { dataDir, inMemory } = this.options;
    const file = inMemory ? ':memory:' : path.join(dataDir, 'logs.duckdb');
    // Device logs are the bot user's alone (as the state database is).
    if (!inMemory) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const readOnly = !inMemory && this.options.readOnly === true && existsSync(file);
    const session = await DuckDbSession.open({ path: file, threads: this.options.threads ?? 2, memoryLimit: this.options.memoryLimit ?? '2GB', readOnly });
    if (!readOnly) for (const t of this.tables()) await session.createTable(t.name, t.columns);
    if (!inMemory && !readOnly) for (const f of [file, `${file}.wal`]) if (existsSync(f)) chmodSync(f, 0o600);
    return session;
  }
}

function interrupted(reason: 'timeout' | 'aborted', timeoutInMs: number): LogsQueryError {
  return reason === 'timeout'
    ? new LogsQueryError(`The query took longer than ${Math.round(timeoutInMs / 1000)} s and was stopped; add a time filter or a take.`, 'timeout')
    : new LogsQueryError('The query was cancelled.', 'server');
}

function firstLine(message: string): string {
  return message.split('\n')[0].slice(0, 300);
}

function timeRange(options: LogsQueryOptions, nowTicks: bigint): { fromTicks: bigint; toTicks: bigint } | undefined {
  const span = options.timespan;
  if (!span) return undefined;
  if ('durationInMs' in span) return { fromTicks: nowTicks - BigInt(Math.round(span.durationInMs)) * TICKS_PER_MS, toTicks: nowTicks };
  return { fromTicks: BigInt(span.startTime.getTime()) * TICKS_PER_MS, toTicks: BigInt(span.endTime.getTime()) * TICKS_PER_MS };
}
