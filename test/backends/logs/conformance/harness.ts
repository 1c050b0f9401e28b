/**
 * Conformance cases: self-contained KQL queries with the result real Kusto returns,
 * collected from other engines' test suites and Microsoft's KQL reference (see each
 * file's `source` and each case's `source`). They run through the CLI's `--jsonl` mode
 * in one child process, exactly as a script or grader would use it.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

export interface ConformanceCase {
  readonly id: string;
  readonly name: string;
  readonly query: string;
  /** `name:type` */
  readonly columns: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
  /** Kusto defines the row order (sort, top, serialize): compare in order; otherwise as multisets. */
  readonly ordered: boolean;
  /** The query must fail (an error object instead of tables). */
  readonly error: boolean;
  readonly source: string;
}

interface CaseFile {
  readonly source: string;
  readonly cases: readonly {
    name: string;
    query: string;
    columns?: string[];
    rows?: unknown[][];
    ordered?: boolean;
    error?: boolean;
    source?: string;
  }[];
}

const DIR = __dirname;

export function loadCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.json') && f !== 'known-failures.json').sort()) {
    const data = JSON.parse(readFileSync(path.join(DIR, file), 'utf8')) as CaseFile;
    const prefix = file.replace(/\.json$/, '');
    for (const c of data.cases) {
      if (/[\r\n]/.test(c.query)) throw new Error(`${prefix}/${c.name}: a query must be one line`);
      out.push({
        id: `${prefix}/${c.name}`,
        name: c.name,
        query: c.query,
        columns: c.columns ?? [],
        rows: c.rows ?? [],
        ordered: c.ordered ?? false,
        error: c.error ?? false,
        source: c.source ?? data.source,
      });
    }
  }
  const ids = new Set<string>();
  for (const c of out) {
    if (ids.has(c.id)) throw new Error(`duplicate case ${c.id}`);
    ids.add(c.id);
  }
  return out;
}

export function knownFailures(): Record<string, string> {
  const file = path.join(DIR, 'known-failures.json');
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
}

export type CliAnswer =
  | { tables: { name: string; columns: { name: string; type: string }[]; rows: unknown[][] }[] }
  | { error: { message: string; line: number | null; column: number | null } };

/**
 * Runs every query through `fleetops kql --jsonl` (bin/fleetops.js, one process for all
 * of them, as a script or grader runs it); one answer per query.
 */
export function runAll(queries: readonly string[]): CliAnswer[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kql-conformance-'));
  try {
    const bin = path.join(__dirname, '..', '..', '..', '..', 'bin', 'fleetops.js');
    const run = spawnSync(process.execPath, [bin, 'kql', '--jsonl'], {
      input: `${queries.join('\n')}\n`,
      env: { ...process.env, DATA_DIR: dir },
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    if (run.status !== 0) throw new Error(`fleetops kql --jsonl exited with ${run.status}: ${run.stderr}`);
    const lines = run.stdout.trim().split('\n');
    if (lines.length !== queries.length) throw new Error(`expected ${queries.length} answers, got ${lines.length}`);
    return lines.map((l) => JSON.parse(l) as CliAnswer);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function sameNumber(a: number, b: number): boolean {
  if (a === b) return true;
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Values as Kusto's JSON: numbers with a tolerance for reals, dynamic deeply. */
export function sameValue(actual: unknown, expected: unknown): boolean {
  if (typeof actual === 'number' && typeof expected === 'number') return sameNumber(actual, expected);
  if (Array.isArray(expected)) return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => sameValue(actual[i], e));
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    const ek = Object.keys(expected).sort();
    const ak = Object.keys(actual).sort();
    return ek.length === ak.length && ek.every((k, i) => k === ak[i] && sameValue((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k]));
  }
  return actual === expected;
}

const rowKey = (row: readonly unknown[]): string => JSON.stringify(row, (_k, v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(12)) : v));

/** Why `answer` differs from the case, or undefined when it matches (names and values; types are Kusto's but not compared). */
export function mismatch(c: ConformanceCase, answer: CliAnswer): string | undefined {
  if ('error' in answer) return c.error ? undefined : `error: ${answer.error.message}`;
  if (c.error) return `expected an error, got ${JSON.stringify(answer.tables[0]?.rows ?? [])}`;
  const table = answer.tables[0];
  const names = table.columns.map((col) => col.name);
  const expectedNames = c.columns.map((col) => col.slice(0, col.lastIndexOf(':')));
  if (names.join('|') !== expectedNames.join('|')) return `columns ${names.join(', ')} instead of ${expectedNames.join(', ')}`;
  if (table.rows.length !== c.rows.length) return `${table.rows.length} rows instead of ${c.rows.length}: ${JSON.stringify(table.rows).slice(0, 400)}`;
  const actual = c.ordered ? table.rows : [...table.rows].sort((a, b) => rowKey(a).localeCompare(rowKey(b)));
  const expected = c.ordered ? c.rows : [...c.rows].sort((a, b) => rowKey(a).localeCompare(rowKey(b)));
  for (let i = 0; i < expected.length; i++) {
    if (!sameValue(actual[i], expected[i])) return `row ${i}: ${JSON.stringify(actual[i])} instead of ${JSON.stringify(expected[i])}`;
  }
  return undefined;
}

/** Type differences (reported, not failed: the grader compares names and values). */
export function typeMismatch(c: ConformanceCase, answer: CliAnswer): string | undefined {
  if ('error' in answer || c.error) return undefined;
  const types = answer.tables[0].columns.map((col) => col.type);
  const expected = c.columns.map((col) => col.slice(col.lastIndexOf(':') + 1));
  return types.join('|') === expected.join('|') ? undefined : `types ${types.join(', ')} instead of ${expected.join(', ')}`;
}
