/**
 * The logs port on Azure Log Analytics (`@azure/monitor-query-logs`). Partial results
 * come back with their error shown beside the rows; server errors become short messages.
 */
import type { TokenCredential } from '@azure/core-auth';
import {
  LogsQueryClient,
  LogsQueryResultStatus,
  type LogsQueryClientOptions,
  type LogsQueryResult as SdkQueryResult,
  type LogsTable as SdkTable,
} from '@azure/monitor-query-logs';
import { formatDateTime } from './kql/values';
import { kqlTypeFromName, TICKS_PER_MS } from './kql/types';
import {
  DEFAULT_MAX_ROWS,
  DEFAULT_TIMEOUT_MS,
  LogsQueryError,
  type LogsClient,
  type LogsColumn,
  type LogsQueryOptions,
  type LogsQueryResult,
  type LogsTable,
  type LogsTableSchema,
  type LogValue,
  type RenderRequest,
} from '../../core/ports/logs';

/** Log Analytics needs a time range; the query's own filters narrow it further. */
const DEFAULT_DURATION = 'P30D';
/** `logs schema` lists at most this many tables of a workspace. */
const SCHEMA_TABLES = 50;

export class LogAnalyticsLogsClient implements LogsClient {
  readonly storeName = 'Log Analytics';
  private readonly client: LogsQueryClient;

  constructor(
    private readonly workspaceId: string,
    credential: TokenCredential,
    clientOptions: LogsQueryClientOptions = {},
  ) {
    this.client = new LogsQueryClient(credential, clientOptions);
  }

  async query(kql: string, options: LogsQueryOptions = {}): Promise<LogsQueryResult> {
    const started = Date.now();
    const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
    const span = options.timespan;
    const timespan = !span
      ? { duration: DEFAULT_DURATION }
      : 'durationInMs' in span
        ? { duration: `PT${Math.max(1, Math.round(span.durationInMs / 1000))}S` }
        : { startTime: span.startTime, endTime: span.endTime };
    let result: SdkQueryResult;
    try {
      result = await this.client.queryWorkspace(this.workspaceId, kql, timespan, {
        serverTimeoutInSeconds: Math.ceil((options.timeoutInMs ?? DEFAULT_TIMEOUT_MS) / 1000),
        abortSignal: options.abortSignal,
        includeVisualization: true,
      });
    } catch (error) {
      throw new LogsQueryError(`Log Analytics rejected the query: ${describeServerError(error)}`, 'server');
    }
    let sdkTables: SdkTable[];
    let partialError: string | undefined;
    if (result.status === LogsQueryResultStatus.PartialFailure) {
      sdkTables = result.partialTables;
      partialError = `Partial result: ${result.partialError.message ?? result.partialError.code}`;
    } else if (result.status === LogsQueryResultStatus.Success) {
      sdkTables = result.tables;
    } else {
      throw new LogsQueryError('Log Analytics could not run the query', 'server');
    }
    const tables = sdkTables.map((t) => toTable(t, maxRows));
    return {
      tables: tables.map((t) => t.table),
      truncated: tables.some((t) => t.truncated),
      store: this.storeName,
      render: toRender(result.visualization),
      ...(partialError ? { partialError } : {}),
      statistics: { elapsedMs: Date.now() - started },
    };
  }

  /**
   * The workspace's tables that hold data (last 30 days), then each one's columns with
   * `getschema`: two queries, at most SCHEMA_TABLES tables.
   */
  async schema(options: Pick<LogsQueryOptions, 'timeoutInMs' | 'abortSignal'> = {}): Promise<LogsTableSchema[]> {
    const names = await this.query('union withsource=TableName * | summarize by TableName | order by TableName asc', { ...options, maxRows: SCHEMA_TABLES });
    const tables = (names.tables[0]?.rows ?? []).map((r) => String(r[0] ?? '')).filter((n) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(n));
    if (tables.length === 0) return [];
    const columns = await this.query(
      tables
        .map((t) => `(${t} | getschema | project TableName = '${t}', ColumnName, ColumnType)`)
        .join(',\n')
        .replace(/^/, 'union\n'),
      { ...options, maxRows: 5_000 },
    );
    const byTable = new Map<string, LogsColumn[]>(tables.map((t) => [t, []]));
    for (const [table, name, type] of columns.tables[0]?.rows ?? []) {
      byTable.get(String(table))?.push({ name: String(name), type: kqlTypeFromName(String(type)) ?? 'string' });
    }
    return [...byTable].map(([name, cols]) => ({ name, columns: cols }));
  }

  async close(): Promise<void> {
    // The SDK client holds no resources that need closing.
  }
}

function toValue(value: unknown): LogValue {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : formatDateTime(BigInt(value.getTime()) * TICKS_PER_MS);
  return value as LogValue;
}

function toTable(table: SdkTable, maxRows: number): { table: LogsTable; truncated: boolean } {
  const columns = table.columnDescriptors.map((c) => ({ name: c.name ?? '', type: kqlTypeFromName(String(c.type ?? 'string')) ?? 'string' }));
  const rows = table.rows.slice(0, maxRows).map((row) =>
    row.map((v, i) => {
      if (columns[i]?.type === 'string' && (v === null || v === undefined)) return '';
      if (columns[i]?.type === 'dynamic' && typeof v === 'string') {
        try {
          return JSON.parse(v) as LogValue;
        } catch {
          return v;
        }
      }
      return toValue(v);
    }),
  );
  return { table: { name: table.name, columns, rows }, truncated: table.rows.length > maxRows };
}

function toRender(visualization: Record<string, unknown> | undefined): RenderRequest | undefined {
  if (!visualization || typeof visualization.visualization !== 'string') return undefined;
  const properties: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(visualization)) {
    if (key === 'visualization' || value === null || value === undefined || value === '') continue;
    properties[key] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return { kind: visualization.visualization.toLowerCase(), properties };
}

/** The server's own message (Kusto errors nest the useful part in innererror). */
function describeServerError(error: unknown): string {
  const e = error as {
    message?: string;
    code?: string;
    details?: { error?: { message?: string; innererror?: { message?: string; innererror?: { message?: string } } } };
  };
  const inner = e.details?.error?.innererror;
  const deepest = inner?.innererror?.message ?? inner?.message;
  const base = e.details?.error?.message ?? e.message ?? String(error);
  return deepest && deepest !== base ? `${base} (${deepest})` : base;
}
