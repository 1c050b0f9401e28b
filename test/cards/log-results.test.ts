import { cardBytes } from '../../cards/card';
import { formatCell, logResultsCard, NEXT_PAGE_VERB } from '../../cards/log-results';
import { MAX_CARD_BYTES } from '../../cards/fit';
import type { LogsQueryResult } from '../../core/ports/logs';
import { expectValidCard } from '../support/cards';

function result(rows: number, message = 'ok', render?: LogsQueryResult['render']): LogsQueryResult {
  return {
    tables: [
      {
        name: 'PrimaryResult',
        columns: [
          { name: 'TimeGenerated', type: 'datetime' },
          { name: 'Level', type: 'string' },
          { name: 'count_', type: 'long' },
          { name: 'Message', type: 'string' },
        ],
        rows: Array.from({ length: rows }, (_, i) => [
          `2024-01-01T00:${String(i % 60).padStart(2, '0')}:00Z`,
          i % 7 === 0 ? 'Error' : 'Info',
          i * 1000,
          message,
        ]),
      },
    ],
    truncated: false,
    store: 'embedded DuckDB',
    render,
    statistics: { elapsedMs: 12 },
  };
}

test('first page: 50 rows, a "more rows" button, elapsed time and store', () => {
  const card = logResultsCard({ query: 'DeviceLogs | take 120', result: result(120) });
  expectValidCard(card);
  const table = card.body.find((e) => e.type === 'Table') as { rows: unknown[] };
  expect(table.rows).toHaveLength(51); // header + 50
  expect(card.actions?.[0]).toMatchObject({
    type: 'Action.Execute',
    title: '70 more rows',
    verb: NEXT_PAGE_VERB,
    data: { query: 'DeviceLogs | take 120', start: 50 },
  });
  expect(JSON.stringify(card.body)).toContain('Rows 1–50 of 120 · times in UTC · 12 ms · embedded DuckDB');
});

test('last page has no button', () => {
  const card = logResultsCard({ query: 'q', result: result(120), start: 100 });
  expect(card.actions).toBeUndefined();
  expect(JSON.stringify(card.body)).toContain('Rows 101–120 of 120');
});

test('stays under 28 KB with huge cells', () => {
  const card = logResultsCard({ query: 'q', result: result(500, 'x'.repeat(5000)) });
  expectValidCard(card);
  expect(cardBytes(card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
});

test('render timechart becomes Chart.Line with the table as fallback', () => {
  const card = logResultsCard({ query: 'q', result: result(10, 'ok', { kind: 'timechart', properties: { title: 'Errors' } }) });
  expectValidCard(card);
  const chart = card.body.find((e) => e.type === 'Chart.Line') as Record<string, unknown>;
  expect(chart).toBeDefined();
  expect(chart.title).toBe('Errors');
  expect((chart.fallback as Record<string, unknown>).type).toBe('Table');
});

test('piechart and columnchart map to Teams charts', () => {
  expect(logResultsCard({ query: 'q', result: result(3, 'ok', { kind: 'piechart', properties: {} }) }).body.some((e) => e.type === 'Chart.Pie')).toBe(true);
  expect(
    logResultsCard({ query: 'q', result: result(3, 'ok', { kind: 'columnchart', properties: {} }) }).body.some((e) => e.type === 'Chart.VerticalBar'),
  ).toBe(true);
  expect(logResultsCard({ query: 'q', result: result(3, 'ok', { kind: 'barchart', properties: {} }) }).body.some((e) => e.type === 'Chart.HorizontalBar')).toBe(
    true,
  );
});

test('errors are highlighted in the device view', () => {
  const card = logResultsCard({ query: 'q', result: result(3), highlightErrors: true });
  const table = card.body.find((e) => e.type === 'Table') as { rows: Record<string, unknown>[] };
  expect(table.rows[1].style).toBe('attention');
  expect(table.rows[2].style).toBeUndefined();
});

test('cells are formatted by type', () => {
  expect(formatCell('2024-01-01T10:00:00Z', { name: 't', type: 'datetime' })).toBe('2024-01-01 10:00:00');
  // The store's 7 fractional digits made a timestamp wrap over 5 lines.
  expect(formatCell('2026-12-05T06:31:55.1234567Z', { name: 't', type: 'datetime' })).toBe('2026-12-05 06:31:55');
  expect(formatCell(1234567, { name: 'n', type: 'long' })).toBe('1,234,567');
  expect(formatCell({ a: 1 }, { name: 'd', type: 'dynamic' })).toBe('{"a":1}');
  expect(formatCell(null, { name: 's', type: 'string' })).toBe('');
});

test('columns get the width their content needs: a header is never narrower than its name, long text wraps in the widest', () => {
  const card = logResultsCard({ query: 'q', result: result(5, 'a long message that wraps at word boundaries '.repeat(4)) });
  const table = card.body.find((e) => e.type === 'Table') as { columns: Array<{ width: number }> };
  // On a 430 px table, short columns get what their longest word needs; the message takes the rest.
  expect(table.columns.map((c) => c.width)).toEqual([151, 58, 66, 155]);
  expect(table.columns.reduce((sum, c) => sum + c.width, 0)).toBe(430);
});

test('a timechart gets short time labels, a time axis title and a y range with round ticks', () => {
  const rows = Array.from({ length: 24 }, (_, h) => [`2026-12-05T${String(h).padStart(2, '0')}:00:00.0000000Z`, (h * 17) % 394]);
  rows[5]![1] = 394;
  const card = logResultsCard({
    query: 'q',
    result: {
      tables: [
        {
          name: 'PrimaryResult',
          columns: [
            { name: 'TimeGenerated', type: 'datetime' },
            { name: 'count_', type: 'long' },
          ],
          rows,
        },
      ],
      statistics: { elapsedMs: 1 },
      store: 's',
      truncated: false,
      render: { kind: 'timechart', properties: {} },
    },
  });
  const chart = card.body.find((e) => e.type === 'Chart.Line') as {
    yMin: number;
    yMax: number;
    xAxisTitle: string;
    data: Array<{ values: Array<{ x: string }> }>;
  };
  expect(chart).toMatchObject({ yMin: 0, yMax: 400, xAxisTitle: 'Time (UTC)' });
  expect(chart.data[0]!.values.slice(0, 3).map((v) => v.x)).toEqual(['00:00', '01:00', '02:00']);
});
