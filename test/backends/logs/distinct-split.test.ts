/**
 * A distinct count beside a percentile or a list, on a store table, is computed in two
 * groupings joined on the keys (cheaper than one GROUP BY: see Translator.splitDistinct). The answers
 * must be those of the single grouping: checked against the same query behind a
 * `where rand() >= 0` (always true, but volatile, so it keeps the single GROUP BY) and
 * against values worked out here.
 */
import { ManualClock } from '../../../core/clock';
import { EmbeddedLogsClient } from '../../../backends/logs/local/embedded-logs-client';
import type { StoreValue } from '../../../backends/logs/local/row-values';

const NOW = new Date('2024-01-01T00:00:00Z');
const NOW_TICKS = BigInt(NOW.getTime()) * 10_000n;
const MINUTE_TICKS = 600_000_000n;
const LEVELS = ['Info', 'Info', 'Warning', 'Error'];
const MESSAGES = ['ok', 'heartbeat ok', 'connection timeout', 'battery low', 'x'];

let client: EmbeddedLogsClient;
const logs: { device: string; level: string; message: string }[] = [];

beforeAll(async () => {
  client = new EmbeddedLogsClient({ dataDir: '/nonexistent', clock: new ManualClock(NOW), inMemory: true, threads: 2 });
  const logRows: StoreValue[][] = [];
  const telemetryRows: StoreValue[][] = [];
  for (let i = 0; i < 300; i++) {
    const row = { device: `device-${(i * 7) % 23}`, level: LEVELS[(i * 5) % LEVELS.length], message: MESSAGES[(i * 3) % MESSAGES.length] };
    logs.push(row);
    logRows.push([NOW_TICKS - BigInt(i) * MINUTE_TICKS, row.device, row.level, row.message, 'network', '2.0.0']);
    telemetryRows.push([NOW_TICKS - BigInt(i) * MINUTE_TICKS, `device-${i % 9}`, 20 + (i % 13), 50, i % 4 === 0 ? null : BigInt(-40 - (i % 3)), 10]);
  }
  await client.appendStoreValues('DeviceLogs', logRows);
  await client.appendStoreValues('DeviceTelemetry', telemetryRows);
}, 60_000);

afterAll(async () => {
  await client.close();
});

async function rows(kql: string): Promise<unknown[][]> {
  const result = await client.query(kql, { maxRows: 10_000 });
  return result.tables[0].rows.map((r) => [...r]);
}

const byFirst = (a: unknown[], b: unknown[]) => String(a[0]).localeCompare(String(b[0]));

/** Rows in key order; make_set/make_list order within a group is unspecified (and varies across threads). */
const normalized = (rs: unknown[][]) => rs.map((r) => r.map((v) => (Array.isArray(v) ? [...v].sort() : v))).sort(byFirst);

/** The same query without the split: behind a filter that is always true but volatile. */
async function unsplit(kql: string): Promise<unknown[][]> {
  const [table, ...rest] = kql.split(' | ');
  return rows([table, 'where rand() >= 0', ...rest].join(' | '));
}

test.each([
  'DeviceLogs | summarize dcount(DeviceId), avg(strlen(Message)), percentile(strlen(Message), 95) by Level',
  'DeviceLogs | summarize n = count(), devices = dcount(DeviceId), p = percentiles(strlen(Message), 5, 50, 100), errors = dcountif(DeviceId, Level == "Error"), levels = make_set(Level)',
  'DeviceLogs | where Level != "Info" | extend len = strlen(Message) | summarize dcount(DeviceId), percentile(len, 50), make_list(len) by Level, Component',
  'DeviceLogs | where Level == "nothing" | summarize dcount(DeviceId), percentile(strlen(Message), 50)',
  'DeviceLogs | where Level == "nothing" | summarize dcount(DeviceId), percentile(strlen(Message), 50) by Level',
  'DeviceTelemetry | summarize dcount(DeviceId), percentile(Temperature, 50) by Rssi',
  'DeviceTelemetry | where TimeGenerated > ago(3h) | summarize d = dcountif(DeviceId, Temperature > 25), p = percentiles_array(Temperature, 10, 90), n = count() by bin(TimeGenerated, 1h)',
])(
  '%s: the same answer as one grouping',
  async (kql) => {
    const joined = (q: string) => / JOIN \(/.test(client.compile(q).sql);
    expect(joined(kql)).toBe(true);
    expect(joined(kql.replace(' | ', ' | where rand() >= 0 | '))).toBe(false);
    const [split, single] = await Promise.all([rows(kql), unsplit(kql)]);
    expect(normalized(split)).toEqual(normalized(single));
  },
  60_000,
);

test('grouped on nothing, an empty input still gives one row', async () => {
  expect(await rows('DeviceLogs | where Level == "nothing" | summarize dcount(DeviceId), percentile(strlen(Message), 50)')).toEqual([[0, null]]);
}, 60_000);

test('the split is used on a store table, and the answers are the nearest-rank percentile and the exact distinct count', async () => {
  const kql = 'DeviceLogs | summarize dcount(DeviceId), avg(strlen(Message)), percentile(strlen(Message), 95) by Level';
  expect(client.compile(kql).sql.match(/GROUP BY/g)).toHaveLength(2);
  const expected = [...new Set(logs.map((l) => l.level))].map((level) => {
    const group = logs.filter((l) => l.level === level);
    const lengths = group.map((l) => l.message.length).sort((a, b) => a - b);
    const rank = Math.ceil((95 / 100) * lengths.length);
    return [level, new Set(group.map((l) => l.device)).size, lengths.reduce((a, b) => a + b, 0) / lengths.length, lengths[rank - 1]];
  });
  const actual = (await rows(kql)).sort(byFirst);
  expect(actual.map((r) => [r[0], r[1], r[3]])).toEqual(expected.sort(byFirst).map((r) => [r[0], r[1], r[3]]));
  for (const [i, r] of actual.entries()) expect(r[2]).toBeCloseTo(expected[i][2] as number, 10);
}, 60_000);

test('no split where a second reading could differ (take, volatile functions) or nothing is gained (no percentile or list)', () => {
  const groupBys = (kql: string) => client.compile(kql).sql.match(/GROUP BY/g)?.length ?? 0;
  expect(groupBys('DeviceLogs | take 10 | summarize dcount(DeviceId), percentile(strlen(Message), 50) by Level')).toBe(1);
  expect(groupBys('DeviceLogs | extend r = rand() | summarize dcount(DeviceId), percentile(r, 50) by Level')).toBe(1);
  expect(groupBys('DeviceLogs | summarize dcount(DeviceId), count() by Level')).toBe(1);
  expect(groupBys('DeviceLogs | summarize dcount(DeviceId) * 2, percentile(strlen(Message), 50) by Level')).toBe(1);
}, 60_000);
