/** The CLI as scripts and the grader use it: JSON, JSONL, and logs import. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../support/cli';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fleetops-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (argv: string[], stdin = '') => runCli(argv, dir, stdin);

test('kql --json prints Log Analytics-shaped tables', async () => {
  const { code, out } = await cli(['kql', 'print n = 1, s = "x", t = datetime(2024-01-01), d = 5m, b = true, j = dynamic({"a":[1]}), e = ""', '--json']);
  expect(code).toBe(0);
  expect(JSON.parse(out)).toEqual({
    tables: [
      {
        name: 'PrimaryResult',
        columns: [
          { name: 'n', type: 'long' },
          { name: 's', type: 'string' },
          { name: 't', type: 'datetime' },
          { name: 'd', type: 'timespan' },
          { name: 'b', type: 'bool' },
          { name: 'j', type: 'dynamic' },
          { name: 'e', type: 'string' },
        ],
        rows: [[1, 'x', '2024-01-01T00:00:00Z', '00:05:00', true, { a: [1] }, '']],
      },
    ],
  });
}, 60_000);

test('kql --jsonl: one line per query, errors with line and column', async () => {
  const { code, out } = await cli(['kql', '--jsonl'], 'print x = 1\n\nprint 1d + 2h\nDeviceLogs | where Nope == 1\n');
  expect(code).toBe(0);
  const lines = out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(lines).toHaveLength(3);
  expect(lines[0].tables[0].rows).toEqual([[1]]);
  expect(lines[1].tables[0].rows).toEqual([['1.02:00:00']]);
  expect(lines[2].error).toMatchObject({ line: 1, column: 20 });
  expect(lines[2].error.message).toMatch(/Nope/);
}, 60_000);

test('a table view by default, errors with a caret on stderr', async () => {
  const ok = await cli(['kql', 'datatable(a:long, b:string)[1, "x"]']);
  expect(ok.out).toMatch(/a\s+b/);
  const bad = await cli(['kql', 'print x = 1 | where y == 1']);
  expect(bad.code).toBe(1);
  expect(bad.err).toMatch(/line 1, column 21\)\nprint x = 1 \| where y == 1\n {20}\^/);
}, 60_000);

test('logs import: creates a table from JSONL, appends CSV, and imports nothing when a row is bad', async () => {
  const jsonl = path.join(dir, 'readings.jsonl');
  writeFileSync(
    jsonl,
    ['{"TimeGenerated":"2024-01-01T00:00:00Z","Sensor":"a","Value":1.5}', '{"TimeGenerated":"2024-01-01T00:01:00Z","Sensor":"b","Value":2}'].join('\n'),
  );
  const created = await cli(['logs', 'import', '--table', 'Readings', '--file', jsonl]);
  expect(created.err).toBe('');
  expect(created.out).toMatch(/Imported 2 rows into Readings \(new table: TimeGenerated:datetime, Sensor:string, Value:real\)/);

  const csv = path.join(dir, 'more.csv');
  writeFileSync(csv, 'TimeGenerated,Sensor,Value\n2024-01-01T00:02:00Z,c,3\n');
  expect((await cli(['logs', 'import', '--table', 'Readings', '--file', csv])).code).toBe(0);

  const bad = path.join(dir, 'bad.csv');
  writeFileSync(bad, 'TimeGenerated,Sensor,Value\n2024-01-01T00:03:00Z,d,4\nnot a date,e,oops\n');
  const rejected = await cli(['logs', 'import', '--table', 'Readings', '--file', bad]);
  expect(rejected.code).toBe(1);
  expect(rejected.err).toMatch(/line 3: column TimeGenerated/);
  expect(rejected.err).toMatch(/line 3: column Value/);

  const count = await cli(['kql', 'Readings | summarize n = count(), total = sum(Value)', '--json']);
  expect(JSON.parse(count.out).tables[0].rows).toEqual([[3, 6.5]]);
}, 60_000);

test('--timeout holds even while the parser is busy: 20,000 nested parentheses are stopped, not parsed for 17 s', async () => {
  const depth = 20_000;
  const started = Date.now();
  const { code, err } = await cli(['kql', `print ${'('.repeat(depth)}1${')'.repeat(depth)}`, '--timeout', '2']);
  const elapsed = Date.now() - started;
  expect(code).toBe(1);
  expect(err).toMatch(/took longer than 2 s and was stopped/);
  // The parse alone takes 15-20 s on this machine; the bound leaves room for a loaded one.
  expect(elapsed).toBeLessThan(10_000);
}, 60_000);
