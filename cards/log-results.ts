/**
 * The result of a KQL log search as an Adaptive Card (1.5): a Table page of 50 rows,
 * a "next rows" button, a Teams chart for `render` (with the table as fallback), and
 * the elapsed time and store. Always under 28 KB: long cells are cut, then rows dropped.
 */
import type { LogsColumn, LogsQueryResult, LogsTable, LogValue } from '../backends/logs/port';
import { card, cardBytes, executeAction, type AdaptiveCard, type CardElement } from './card';
import { plain } from './plain';
import { roundYRange, timeLabels } from './chart-axes';

const PAGE_SIZE = 50;
export const MAX_CARD_BYTES = 28 * 1024;
const MAX_CELL_CHARS = 160;
const MAX_QUERY_CHARS = 400;
export const NEXT_PAGE_VERB = 'logs.page';

export interface LogResultsView {
  readonly query: string;
  readonly result: LogsQueryResult;
  /** Offset of the first row shown (the "more rows" button carries the next one). */
  readonly start?: number;
  readonly title?: string;
  /** Rows whose Level is Error/Critical get the attention style (device log view). */
  readonly highlightErrors?: boolean;
}

const NUMERIC = new Set(['int', 'long', 'real', 'decimal']);

/**
 * A value as the card shows it: datetimes as `2026-12-05 06:31:55` (UTC, said once below the
 * table; the store's 7 fractional digits wrapped over 5 lines), numbers grouped, dynamic as compact JSON.
 */
export function formatCell(value: LogValue, column: LogsColumn): string {
  if (value === null) return '';
  let text: string;
  if (column.type === 'datetime' && typeof value === 'string') text = readableTime(value);
  else if (NUMERIC.has(column.type) && typeof value === 'number') text = Number.isInteger(value) ? value.toLocaleString('en-US') : value.toLocaleString('en-US', { maximumFractionDigits: 4 });
  else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  return text.length > MAX_CELL_CHARS ? `${text.slice(0, MAX_CELL_CHARS - 1)}…` : text;
}

/** `2026-12-05T06:31:55.1234567Z` → `2026-12-05 06:31:55`; anything else as it came. */
function readableTime(iso: string): string {
  const m = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:\.\d+)?(?:Z|[+-]00:?00)?$/.exec(iso);
  return m ? `${m[1]} ${m[2]}` : iso;
}

/**
 * Relative column widths from what the columns hold: a header never narrower than its
 * longest word (no "TimeGen erated"), a timestamp its 19 characters, long text the rest.
 */
export function columnWidths(columns: readonly LogsColumn[], rows: readonly (readonly LogValue[])[]): number[] {
  return columns.map((column, i) => {
    const lengths = rows.map((r) => formatCell(r[i] ?? null, column).length).sort((a, b) => a - b);
    const typical = lengths.length > 0 ? lengths[Math.floor((lengths.length - 1) * 0.9)]! : 0;
    return Math.min(MAX_COLUMN_WEIGHT, Math.max(MIN_COLUMN_WEIGHT, column.name.length, typical));
  });
}

const MIN_COLUMN_WEIGHT = 4;
/** A long message gets at most this share against a 19-character timestamp: it wraps at word boundaries. */
const MAX_COLUMN_WEIGHT = 48;

function tableElement(table: LogsTable, rows: readonly (readonly LogValue[])[], highlightErrors: boolean): CardElement {
  const levelIndex = table.columns.findIndex((c) => c.name === 'Level');
  const header = { type: 'TableRow', style: 'accent', cells: table.columns.map((c) => cellOf(c.name, true)) };
  const body = rows.map((row) => {
    const level = levelIndex >= 0 ? String(row[levelIndex] ?? '') : '';
    const tableRow: CardElement = { type: 'TableRow', cells: row.map((v, i) => cellOf(formatCell(v, table.columns[i]), false)) };
    if (highlightErrors && /^(error|critical|fatal)$/i.test(level)) tableRow.style = 'attention';
    return tableRow;
  });
  return {
    type: 'Table',
    gridStyle: 'accent',
    firstRowAsHeader: true,
    showGridLines: true,
    columns: columnWidths(table.columns, rows).map((width, i) => ({
      type: 'TableColumnDefinition',
      width,
      horizontalCellContentAlignment: NUMERIC.has(table.columns[i]!.type) ? 'Right' : 'Left',
    })),
    rows: [header, ...body],
  };
}

function cellOf(text: string, bold: boolean): CardElement {
  return { type: 'TableCell', items: [{ type: 'TextBlock', text: plain(text), wrap: true, size: 'Small', ...(bold ? { weight: 'Bolder' } : {}) }] };
}

const CHARTS: Record<string, string> = {
  timechart: 'Chart.Line',
  linechart: 'Chart.Line',
  areachart: 'Chart.Line',
  columnchart: 'Chart.VerticalBar',
  barchart: 'Chart.HorizontalBar',
  piechart: 'Chart.Pie',
};

/** A Teams chart of the first (x) column against the numeric columns; undefined when the data does not fit one. */
function chartElement(table: LogsTable, kind: string, title?: string): CardElement | undefined {
  const type = CHARTS[kind];
  if (!type || table.columns.length < 2) return undefined;
  const numeric = table.columns.map((c, i) => ({ c, i })).filter(({ c }) => NUMERIC.has(c.type));
  const x = table.columns.findIndex((c) => !NUMERIC.has(c.type));
  if (numeric.length === 0 || x < 0) return undefined;
  const rows = table.rows.slice(0, 200);
  const label = (v: LogValue) => formatCell(v, table.columns[x]);
  let data: unknown;
  if (type === 'Chart.Line') {
    const time = table.columns[x]!.type === 'datetime';
    // Teams draws string x values as categories, every label in full: keep them short.
    const labels = time ? timeLabels(rows.map((r) => String(r[x] ?? ''))) : rows.map((r) => label(r[x]));
    const series = numeric.map(({ c, i }) => ({ legend: c.name, values: rows.map((r, k) => ({ x: labels[k]!, y: Number(r[i] ?? 0) })) }));
    const axes = { ...roundYRange(series.flatMap((s) => s.values.map((v) => v.y))), ...(time ? { xAxisTitle: 'Time (UTC)' } : {}) };
    return { type, ...(title ? { title } : {}), ...axes, data: series };
  } else if (type === 'Chart.Pie') {
    data = rows.map((r) => ({ legend: label(r[x]), value: Number(r[numeric[0].i] ?? 0) }));
  } else {
    data = rows.map((r) => ({ x: label(r[x]), y: Number(r[numeric[0].i] ?? 0) }));
  }
  return { type, ...(title ? { title } : {}), data };
}

export function logResultsCard(view: LogResultsView): AdaptiveCard {
  const table = view.result.tables[0] ?? { name: 'PrimaryResult', columns: [], rows: [] };
  const start = Math.max(0, Math.floor(view.start ?? 0));
  let pageRows = table.rows.slice(start, start + PAGE_SIZE);
  // The chart draws the whole result, not the page: the same however many rows the page keeps.
  const render = view.result.render;
  const title = render && typeof render.properties.title === 'string' ? render.properties.title : undefined;
  const chart = render && start === 0 ? chartElement(table, render.kind, title) : undefined;
  const build = (rows: readonly (readonly LogValue[])[]): AdaptiveCard => {
    const shown = rows.length;
    const remaining = table.rows.length - start - shown;
    const body: CardElement[] = [
      { type: 'TextBlock', text: view.title === undefined ? 'Log search' : plain(view.title), weight: 'Bolder', size: 'Medium', wrap: true },
      { type: 'TextBlock', text: plain(view.query.length > MAX_QUERY_CHARS ? `${view.query.slice(0, MAX_QUERY_CHARS - 1)}…` : view.query), fontType: 'Monospace', isSubtle: true, wrap: true, size: 'Small' },
    ];
    if (view.result.partialError) body.push({ type: 'TextBlock', text: plain(view.result.partialError), color: 'Attention', wrap: true });
    const tableEl = tableElement(table, rows, view.highlightErrors ?? false);
    if (table.rows.length === 0) body.push({ type: 'TextBlock', text: 'No rows.', isSubtle: true });
    else body.push(chart ? { ...chart, fallback: tableEl } : tableEl);
    const from = shown === 0 ? 0 : start + 1;
    const utc = table.columns.some((c) => c.type === 'datetime') ? ' · times in UTC' : '';
    const capped = view.result.truncated ? ` (only the first ${table.rows.length} were fetched)` : '';
    body.push({
      type: 'TextBlock',
      text: `Rows ${from}–${start + shown} of ${table.rows.length}${capped}${utc} · ${view.result.statistics.elapsedMs} ms · ${view.result.store}`,
      isSubtle: true,
      size: 'Small',
      wrap: true,
    });
    const actions = remaining > 0 ? [executeAction(`${remaining} more row${remaining === 1 ? '' : 's'}`, NEXT_PAGE_VERB, { query: view.query, start: start + shown })] : undefined;
    return card(body, actions);
  };
  let result = build(pageRows);
  while (cardBytes(result) > MAX_CARD_BYTES && pageRows.length > 1) {
    pageRows = pageRows.slice(0, Math.max(1, Math.floor(pageRows.length * 0.7)));
    result = build(pageRows);
  }
  return result;
}
