/**
 * A DuckDB database (file or in-memory) with the KQL macros installed. Each query runs
 * on its own connection so it can be interrupted (timeout, abort) without touching others.
 */
import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  type DuckDBConnection,
  DuckDBDataChunk,
  DuckDBInstance,
  VARCHAR,
  type DuckDBPreparedStatement,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import { KQL_MACROS } from '../kql/macros';
import type { BoundParam, ParamType } from '../kql/sql';
import { duckType, type ColumnDef } from '../kql/types';
import { toJsonValue } from '../kql/values';
import type { LogValue } from '../../../core/ports/logs';
import type { StoreValue } from './row-values';
import { ident } from '../kql/sql';
import { registerJsFunctions } from './js-functions';
import { QueryInterrupted, type Deadline } from '../deadline';

const MACRO_SCRIPT = KQL_MACROS.map((m) => `${m.replace('CREATE OR REPLACE MACRO', 'CREATE OR REPLACE TEMP MACRO')};`).join('\n');

const PARAM_TYPES: Record<ParamType, DuckDBType> = { BIGINT, DOUBLE, VARCHAR, BOOLEAN };

export interface SessionOptions {
  /** ':memory:' or a file path. */
  readonly path: string;
  readonly threads?: number;
  readonly memoryLimit?: string;
  readonly readOnly?: boolean;
}

export class DuckDbSession {
  /** Idle connections with the macros installed: opening one and installing them costs milliseconds. */
  private readonly idle: DuckDBConnection[] = [];
  private readonly statements = new WeakMap<DuckDBConnection, Map<string, DuckDBPreparedStatement>>();
  /** The kql_js_* functions live in the database catalog: registered once. */
  private functionsRegistered = false;

  private constructor(readonly instance: DuckDBInstance) {}

  static async open(options: SessionOptions): Promise<DuckDbSession> {
    const settings: Record<string, string> = { threads: String(options.threads ?? 2), memory_limit: options.memoryLimit ?? '1GB' };
    if (options.readOnly) settings.access_mode = 'READ_ONLY';
    const instance = await DuckDBInstance.create(options.path, settings);
    return new DuckDbSession(instance);
  }

  /** Runs a compiled statement; rows come back in KQL's JSON forms. */
  async query(sql: string, params: readonly BoundParam[], columns: readonly ColumnDef[], options: Deadline = {}): Promise<LogValue[][]> {
    const connection = await this.connect();
    let interrupted: QueryInterrupted | undefined;
    const stop = (reason: 'timeout' | 'aborted') => {
      interrupted = new QueryInterrupted(reason);
      connection.interrupt();
    };
    const timer = options.timeoutInMs ? setTimeout(() => stop('timeout'), options.timeoutInMs) : undefined;
    const onAbort = () => stop('aborted');
    options.abortSignal?.addEventListener('abort', onAbort);
    try {
      if (options.abortSignal?.aborted) throw new QueryInterrupted('aborted');
      const values: DuckDBValue[] = params.map((p) => p.value as DuckDBValue);
      const types: DuckDBType[] = params.map((p) => PARAM_TYPES[p.type]);
      const prepared = await this.prepared(connection, sql);
      if (params.length > 0) prepared.bind(values, types);
      const reader = await prepared.runAndReadAll();
      return reader.getRows().map((row) => columns.map((c, i) => toJsonValue(row[i], c.type)));
    } catch (error) {
      throw interrupted ?? error;
    } finally {
      if (timer) clearTimeout(timer);
      options.abortSignal?.removeEventListener('abort', onAbort);
      this.release(connection);
    }
  }

  /**
   * The same statements come back (dashboards, chat paging, the compiled-query cache):
   * keep each connection's prepared statements, so a repeat skips DuckDB's parse and plan.
   */
  private async prepared(connection: DuckDBConnection, sql: string): Promise<DuckDBPreparedStatement> {
    let cache = this.statements.get(connection);
    if (!cache) {
      cache = new Map();
      this.statements.set(connection, cache);
    }
    const hit = cache.get(sql);
    if (hit) {
      cache.delete(sql);
      cache.set(sql, hit);
      return hit;
    }
    const statement = await connection.prepare(sql);
    if (cache.size >= PREPARED_PER_CONNECTION) {
      const oldest = cache.keys().next().value as string;
      cache.get(oldest)?.destroySync();
      cache.delete(oldest);
    }
    cache.set(sql, statement);
    return statement;
  }

  /** Runs a statement of our own (DDL); never called with user text. */
  async exec(sql: string): Promise<void> {
    const connection = await this.connect();
    try {
      await connection.run(sql);
    } finally {
      this.release(connection);
    }
  }

  async createTable(name: string, columns: readonly ColumnDef[]): Promise<void> {
    await this.exec(`CREATE TABLE IF NOT EXISTS ${ident(name)} (${columns.map((c) => `${ident(c.name)} ${duckType(c.type)}`).join(', ')})`);
  }

  /**
   * Appends rows in one transaction: all or nothing. Rows go in as column vectors of
   * 2048 (one DuckDB data chunk each): far fewer calls into DuckDB than value by value.
   */
  async append(table: string, columns: readonly ColumnDef[], rows: readonly (readonly StoreValue[])[]): Promise<void> {
    const connection = await this.connect();
    try {
      await connection.run('BEGIN TRANSACTION');
      try {
        const appender = await connection.createAppender(table);
        const types = columns.map((c) => PARAM_TYPES[duckType(c.type) as ParamType] ?? VARCHAR);
        const convert = columns.map((c) => chunkValue(duckType(c.type)));
        for (let offset = 0; offset < rows.length; offset += CHUNK_ROWS) {
          const count = Math.min(CHUNK_ROWS, rows.length - offset);
          const chunk = DuckDBDataChunk.create(types, count);
          for (let c = 0; c < columns.length; c++) {
            const values: DuckDBValue[] = new Array(count);
            const to = convert[c];
            for (let r = 0; r < count; r++) values[r] = to(rows[offset + r][c]);
            chunk.setColumnValues(c, values);
          }
          appender.appendDataChunk(chunk);
        }
        appender.flushSync();
        appender.closeSync();
        await connection.run('COMMIT');
      } catch (error) {
        await connection.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    } finally {
      this.release(connection);
    }
  }

  close(): void {
    for (const connection of this.idle.splice(0)) this.closeConnection(connection);
    this.instance.closeSync();
  }

  private release(connection: DuckDBConnection): void {
    if (this.idle.length < 4) this.idle.push(connection);
    else this.closeConnection(connection);
  }

  private closeConnection(connection: DuckDBConnection): void {
    for (const statement of this.statements.get(connection)?.values() ?? []) statement.destroySync();
    this.statements.delete(connection);
    connection.closeSync();
  }

  private async connect(): Promise<DuckDBConnection> {
    const reused = this.idle.pop();
    if (reused) return reused;
    const connection = await this.instance.connect();
    // Temp macros: connection-local, and possible on a read-only file too.
    // The macros call kql_js_* functions: register them first.
    if (!this.functionsRegistered) {
      registerJsFunctions(connection);
      this.functionsRegistered = true;
    }
    await connection.run(MACRO_SCRIPT);
    return connection;
  }
}

/** Prepared statements kept per connection (least recently used dropped first). */
const PREPARED_PER_CONNECTION = 64;

/** DuckDB's vector size: one data chunk per this many rows. */
const CHUNK_ROWS = 2048;

/** A store value → what a DuckDB vector of that physical type holds (JSON as its text). */
function chunkValue(duck: string): (value: StoreValue) => DuckDBValue {
  switch (duck) {
    case 'BIGINT':
      return (v) => (v === null ? null : typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v))));
    case 'DOUBLE':
      return (v) => (v === null ? null : Number(v));
    case 'BOOLEAN':
      return (v) => (v === null ? null : Boolean(v));
    default:
      return (v) => (v === null ? null : String(v));
  }
}
