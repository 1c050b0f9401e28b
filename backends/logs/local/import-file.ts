/**
 * Reads a JSONL or CSV file for `fleetops logs import`: every row is checked before
 * anything is written, bad rows are reported by line number, and a new table takes its
 * columns (and inferred types) from the file.
 */
import { readFileSync } from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import type { TableSchema } from '../kql/schema';
import type { ColumnDef } from '../kql/types';
import { inferType, toStoreValue, type StoreValue } from './row-values';

export interface ParsedImport {
  readonly columns: readonly ColumnDef[];
  readonly rows: readonly StoreValue[][];
  /** true when the table does not exist yet and will be created. */
  readonly createsTable: boolean;
}

export class ImportError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Nothing was imported:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

interface RawRow {
  readonly line: number;
  readonly values: Record<string, unknown>;
}

function readJsonl(text: string, problems: string[]): RawRow[] {
  const rows: RawRow[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      const value: unknown = JSON.parse(line);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) problems.push(`line ${i + 1}: expected a JSON object`);
      else rows.push({ line: i + 1, values: value as Record<string, unknown> });
    } catch (error) {
      problems.push(`line ${i + 1}: not valid JSON (${(error as Error).message})`);
    }
  });
  return rows;
}

function readCsv(text: string, problems: string[]): RawRow[] {
  let records: string[][];
  try {
    records = parseCsv(text, { relax_column_count: true, skip_empty_lines: true, bom: true }) as string[][];
  } catch (error) {
    problems.push(`the CSV could not be read: ${(error as Error).message}`);
    return [];
  }
  const [header, ...body] = records;
  if (!header) return [];
  return body.map((record, i) => {
    if (record.length !== header.length) problems.push(`line ${i + 2}: ${record.length} values for ${header.length} columns`);
    return { line: i + 2, values: Object.fromEntries(header.map((h, j) => [h.trim(), record[j]])) };
  });
}

const VALID_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseImportFile(file: string, table: string, existing: TableSchema | undefined): ParsedImport {
  const problems: string[] = [];
  if (!VALID_NAME.test(table)) throw new ImportError([`"${table}" is not a valid table name (letters, digits and _; not starting with a digit)`]);
  const text = readFileSync(file, 'utf8');
  const lower = file.toLowerCase();
  const raw = lower.endsWith('.csv')
    ? readCsv(text, problems)
    : lower.endsWith('.jsonl') || lower.endsWith('.ndjson') || lower.endsWith('.json')
      ? readJsonl(text, problems)
      : undefined;
  if (!raw) throw new ImportError([`${file}: use a .jsonl or .csv file`]);
  if (problems.length > 0) throw new ImportError(problems);
  if (raw.length === 0) throw new ImportError([`${file} has no rows`]);

  let columns: readonly ColumnDef[];
  if (existing) {
    columns = existing.columns;
    const known = new Set(columns.map((c) => c.name));
    for (const row of raw) {
      const unknown = Object.keys(row.values).filter((k) => !known.has(k));
      if (unknown.length > 0) problems.push(`line ${row.line}: ${table} has no column ${unknown.map((u) => `"${u}"`).join(', ')}`);
    }
  } else {
    const names: string[] = [];
    for (const row of raw) for (const k of Object.keys(row.values)) if (!names.includes(k)) names.push(k);
    const badNames = names.filter((n) => !VALID_NAME.test(n));
    if (badNames.length > 0) throw new ImportError(badNames.map((n) => `"${n}" is not a valid column name`));
    columns = names.map((name) => ({ name, type: inferType(raw.map((r) => r.values[name])) }));
  }

  const rows: StoreValue[][] = [];
  for (const row of raw) {
    const values: StoreValue[] = [];
    for (const c of columns) {
      const converted = toStoreValue(row.values[c.name], c.type);
      if (converted.ok) values.push(converted.value);
      else problems.push(`line ${row.line}: column ${c.name} (${c.type}): ${converted.error}`);
    }
    rows.push(values);
  }
  if (problems.length > 0) throw new ImportError(problems.slice(0, 50).concat(problems.length > 50 ? [`... and ${problems.length - 50} more`] : []));
  return { columns, rows, createsTable: !existing };
}
