/** Shared engine for the KQL tests: one in-memory store, a fixed clock. */
import { ManualClock } from '../../../core/clock';
import { EmbeddedLogsClient } from '../../../backends/logs/local/embedded-logs-client';
import type { LogsQueryResult } from '../../../core/ports/logs';

export const NOW = new Date('2024-01-01T00:00:00Z');

let client: EmbeddedLogsClient | undefined;

export function engine(): EmbeddedLogsClient {
  if (!client) client = new EmbeddedLogsClient({ dataDir: '/nonexistent', clock: new ManualClock(NOW), inMemory: true, threads: 1 });
  return client;
}

export async function closeEngine(): Promise<void> {
  await client?.close();
  client = undefined;
}

export async function run(kql: string): Promise<{ columns: string[]; types: string[]; rows: unknown[][]; result: LogsQueryResult }> {
  const result = await engine().query(kql, { maxRows: 10_000 });
  const table = result.tables[0];
  return { columns: table.columns.map((c) => c.name), types: table.columns.map((c) => c.type), rows: table.rows.map((r) => [...r]), result };
}
