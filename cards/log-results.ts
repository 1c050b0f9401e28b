/**
 * The result of a KQL log search as an Adaptive Card (1.5): a Table page of 50 rows,
 * a "next rows" button, a Teams chart for `render` (with the table as fallback), and
 * the elapsed time and store. Always under 28 KB: long cells are cut, then rows dropped.
 */
import type { LogsColumn, LogsQueryResult, LogsTable, LogValue } from '../backends/logs/port';
import { card, cardBytes, executeAction, type AdaptiveCard, type CardElement } from './card';
import { plain } from './plain';

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

/** A value as the card shows it: datetimes without the T, numbers grouped, dynamic as compact JSON. */
export function formatCell(value: LogValue, column: LogsColumn): string {
  if (value === null) return '';
  let text: string;
  if (column.type === 'datetime' && typeof value === 'string') text = value.replace('T', ' ');
  else if (NUMERIC.has(column.type) && typeof value === 'number') text = Number.isInteger(value) ? value.toLocaleString('en-US') : value.toLocaleString('en-US', { maximumFractionDigits: 4 });
  else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  return text.length > MAX_CELL_CHARS ? `${text.slice(0, MAX_CELL_CHARS - 1)}…` : text;
}

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
    columns: table.columns.map((c) => ({ type: 'TableColumnDefinition', width: 1, horizontalCellContentAlignment: NUMERIC.has(c.type) ? 'Right' : 'Left' })),
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
    data = numeric.map(({ c, i }) => ({ legend: c.name, values: rows.map((r) => ({ x: label(r[x]), y: Number(r[i] ?? 0) })) }));
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
    if (view.result.partialError) body.push({ type: 'TextBlock', text: plain(view.result.partialError), color: 'Warning', wrap: true });
    const tableEl = tableElement(table, rows, view.highlightErrors ?? false);
    if (table.rows.length === 0) body.push({ type: 'TextBlock', text: 'No rows.', isSubtle: true });
    else body.push(chart ? { ...chart, fallback: tableEl } : tableEl);
    const from = shown === 0 ? 0 : start + 1;
    const capped = view.result.truncated ? ` (only the first ${table.rows.length} were fetched)` : '';
    body.push({
      type: 'TextBlock',
      text: `Rows ${from}–${start + shown} of ${table.rows.length}${capped} · ${view.result.statistics.elapsedMs} ms · ${view.result.store}`,
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
