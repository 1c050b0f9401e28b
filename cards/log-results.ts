/**
 * The result of a KQL log search as an Adaptive Card (1.5): a Table page of 50 rows,
 * a "next rows" button, a Teams chart for `render` (with the table as fallback), and
 * the elapsed time and store. Always within the cards' budget (MAX_CARD_BYTES in fit.ts):
 * long cells are cut, then rows dropped.
 */
import type { LogsColumn, LogsQueryResult, LogsTable, LogValue } from '../core/ports/logs';
import { cardBytes, executeAction, fitCard, unfittedCard, type AdaptiveCard, type CardElement } from './card';
import { MAX_CARD_BYTES, mostClipped } from './fit';
import { plain } from './plain';
import { roundYRange, timeLabels } from './chart-axes';

const PAGE_SIZE = 50;
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
  else if (NUMERIC.has(column.type) && typeof value === 'number')
    text = Number.isInteger(value) ? value.toLocaleString('en-US') : value.toLocaleString('en-US', { maximumFractionDigits: 4 });
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
 * Column widths from what the columns hold, as the relative weights renderers turn into
 * percentages. Short columns (a level, a component, a timestamp) get what their longest
 * word needs on the narrowest card (the Playground's, a phone: about 430 px for a table),
 * so neither "TimeGen erated" nor "Inf o" happens; long text shares the rest and wraps at
 * word boundaries. On wider cards every column grows in proportion.
 */
export function columnWidths(columns: readonly LogsColumn[], rows: readonly (readonly LogValue[])[]): number[] {
  const needs = columns.map((column, i) => {
    const lengths = rows.map((r) => formatCell(r[i] ?? null, column).length).sort((a, b) => a - b);
    const typical = lengths.length > 0 ? lengths[Math.floor((lengths.length - 1) * 0.9)]! : 0;
    return { header: column.name.length, value: typical };
  });
  const long = needs.map((n) => n.value > LONG_TEXT_CHARS);
  const all = needs.map((n) => pixelsFor(n.header, n.value));
  // Too wide for a narrow card without long text: the widest column gives way and wraps.
  if (!long.includes(true) && all.reduce((a, b) => a + b, 0) > NARROW_TABLE_PX) long[all.indexOf(Math.max(...all))] = true;
  const px = all.map((p, i) => (long[i] ? 0 : p));
  const left = Math.max(MIN_LONG_PX * long.filter(Boolean).length, NARROW_TABLE_PX - px.reduce((a, b) => a + b, 0));
  const longNeeds = needs.reduce((sum, n, i) => sum + (long[i] ? Math.min(n.value, 80) : 0), 0);
  return needs.map((n, i) => (long[i] ? Math.max(MIN_LONG_PX, Math.round((left * Math.min(n.value, 80)) / longNeeds)) : px[i]!));
}

/** Text longer than this wraps; shorter columns keep their width. */
const LONG_TEXT_CHARS = 24;
/** The table's width on the narrowest card. */
const NARROW_TABLE_PX = 430;
const MIN_LONG_PX = 100;
/** Bold Small headers take about 8 px a character, Small values 7; a cell adds 17 px of padding and grid. */
const pixelsFor = (headerChars: number, valueChars: number): number => Math.ceil(Math.max(headerChars * 8, valueChars * 7) + 18);

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
      {
        type: 'TextBlock',
        text: plain(view.query.length > MAX_QUERY_CHARS ? `${view.query.slice(0, MAX_QUERY_CHARS - 1)}…` : view.query),
        fontType: 'Monospace',
        isSubtle: true,
        wrap: true,
        size: 'Small',
      },
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
    const actions =
      remaining > 0
        ? [executeAction(`${remaining} more row${remaining === 1 ? '' : 's'}`, NEXT_PAGE_VERB, { query: view.query, start: start + shown })]
        : undefined;
    return unfittedCard(body, actions);
  };
  // Rows go while even the most clipped card is too big; then the card is fitted once.
  let result = build(pageRows);
  while (cardBytes(mostClipped(result)) > MAX_CARD_BYTES && pageRows.length > 1) {
    pageRows = pageRows.slice(0, Math.max(1, Math.floor(pageRows.length * 0.7)));
    result = build(pageRows);
  }
  return fitCard(result);
}
