/** How the CLI prints results: Log Analytics' JSON shape, one JSON line, or an aligned text table. */
import { displayValue } from '../backends/logs/kql/values';
import type { LogsQueryError, LogsQueryResult, LogValue } from '../core/ports/logs';

export function resultJson(result: LogsQueryResult): { tables: { name: string; columns: { name: string; type: string }[]; rows: LogValue[][] }[] } {
  return {
    tables: result.tables.map((t) => ({
      name: t.name,
      columns: t.columns.map((c) => ({ name: c.name, type: c.type })),
      rows: t.rows.map((r) => [...r]),
    })),
  };
}

export function errorJson(error: unknown): { error: { message: string; line: number | null; column: number | null } } {
  const e = error as Partial<LogsQueryError> & Error;
  return { error: { message: e.message ?? String(error), line: e.position?.line ?? null, column: e.position?.column ?? null } };
}

export function errorText(error: unknown): string {
  const e = error as Partial<LogsQueryError> & Error;
  if (e.position) return `${e.message} (line ${e.position.line}, column ${e.position.column})\n${e.position.caret}`;
  return e.message ?? String(error);
}

export function resultTable(result: LogsQueryResult): string {
  const lines: string[] = [];
  for (const t of result.tables) {
    const header = t.columns.map((c) => c.name);
    const body = t.rows.map((r) => r.map(displayValue));
    const widths = header.map((h, i) => Math.min(60, Math.max(h.length, ...body.map((r) => r[i].length))));
    const fmt = (cells: string[]) =>
      cells
        .map((c, i) => (c.length > widths[i] ? `${c.slice(0, widths[i] - 1)}…` : c.padEnd(widths[i])))
        .join('  ')
        .trimEnd();
    lines.push(fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(fmt));
    const more = result.truncated ? ' (more rows exist; use --max-rows)' : '';
    lines.push('', `${t.rows.length} row${t.rows.length === 1 ? '' : 's'}${more} · ${result.statistics.elapsedMs} ms · ${result.store}`);
  }
  if (result.render) lines.push(`render ${result.render.kind} (charts are drawn in Teams)`);
  return lines.join('\n');
}
