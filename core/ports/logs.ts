/**
 * The logs port: KQL queries against Log Analytics (Azure) or the embedded DuckDB
 * store, with the same typed result either way.
 */
export type KqlType = 'bool' | 'int' | 'long' | 'real' | 'decimal' | 'datetime' | 'timespan' | 'string' | 'dynamic' | 'guid';

export type LogValue = null | boolean | number | string | LogValue[] | { [key: string]: LogValue };

export interface LogsColumn {
  readonly name: string;
  readonly type: KqlType;
}

/** One result table, in Log Analytics' JSON shape (datetimes ISO with Z, timespans `00:05:00`, dynamic as JSON). */
export interface LogsTable {
  readonly name: string;
  readonly columns: readonly LogsColumn[];
  readonly rows: readonly (readonly LogValue[])[];
}

/** A `render` request, stripped from the query and handed to the card. */
export interface RenderRequest {
  readonly kind: string;
  readonly properties: Readonly<Record<string, string | readonly string[]>>;
}

export interface LogsQueryOptions {
  /** Time range applied on top of the query (Log Analytics' `timespan`); `durationInMs` ends now. */
  readonly timespan?: { readonly startTime: Date; readonly endTime: Date } | { readonly durationInMs: number };
  /** Default 30 s. */
  readonly timeoutInMs?: number;
  /** Default 500; the result says when it was cut. */
  readonly maxRows?: number;
  readonly abortSignal?: AbortSignal;
  /** Who runs it: one running query per user. */
  readonly user?: string;
}

export interface LogsQueryResult {
  readonly tables: readonly LogsTable[];
  readonly render?: RenderRequest;
  /** True when more rows existed than `maxRows`. */
  readonly truncated: boolean;
  /** Which store answered, for the card's footer. */
  readonly store: string;
  /** A partial result's error (Log Analytics), shown with the rows. */
  readonly partialError?: string;
  readonly statistics: { readonly elapsedMs: number; readonly rowsScanned?: number };
}

/** A table a query can read, with its columns (for `logs schema` and "did you mean"). */
export interface LogsTableSchema {
  readonly name: string;
  readonly columns: readonly LogsColumn[];
}

export interface LogsClient {
  /** e.g. "Log Analytics" or "embedded DuckDB". */
  readonly storeName: string;
  query(kql: string, options?: LogsQueryOptions): Promise<LogsQueryResult>;
  /** The tables and columns queries can use, from the store itself. */
  schema?(options?: Pick<LogsQueryOptions, 'timeoutInMs' | 'abortSignal'>): Promise<LogsTableSchema[]>;
  /** Gets ready for the first query in the background (the embedded store loads its KQL parser). Never rejects. */
  warmUp?(): Promise<void>;
  close(): Promise<void>;
}

/** A query that failed: bad KQL (with its position), a timeout, a busy user or a server error. */
export class LogsQueryError extends Error {
  override readonly name = 'LogsQueryError';
  constructor(
    message: string,
    readonly kind: 'syntax' | 'unsupported' | 'timeout' | 'busy' | 'server' | 'config',
    readonly position?: { readonly line: number; readonly column: number; readonly caret: string },
  ) {
    super(message);
  }
}

export const DEFAULT_MAX_ROWS = 500;
export const DEFAULT_TIMEOUT_MS = 30_000;
