/** Imported tables' KQL schemas, kept beside the DuckDB file (DuckDB types cannot tell datetime from long). */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TableSchema } from '../kql/schema';
import { kqlTypeFromName } from '../kql/types';

const schemaFilePath = (dataDir: string): string => path.join(dataDir, 'logs-tables.json');

export function readImportedTables(dataDir: string): TableSchema[] {
  const file = schemaFilePath(dataDir);
  if (!existsSync(file)) return [];
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { tables?: { name: string; columns: { name: string; type: string }[] }[] };
  return (parsed.tables ?? []).map((t) => ({ name: t.name, columns: t.columns.map((c) => ({ name: c.name, type: kqlTypeFromName(c.type) ?? 'string' })) }));
}

export function writeImportedTables(dataDir: string, tables: readonly TableSchema[]): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = schemaFilePath(dataDir);
  writeFileSync(`${file}.tmp`, JSON.stringify({ tables }, null, 2), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}
