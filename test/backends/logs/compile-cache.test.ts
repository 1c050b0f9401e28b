/** The compiled-query cache re-binds now() and every now()-relative value (ago) for each run. */
import { KqlCompiler } from '../../../backends/logs/kql/compile';
import { BUILTIN_TABLES } from '../../../backends/logs/local/tables';

test("a cached translation gets this run's now() and ago() values", () => {
  const compiler = new KqlCompiler(BUILTIN_TABLES);
  const query = 'DeviceLogs | where TimeGenerated > ago(1h) and TimeGenerated < now() | count';
  const first = compiler.compile(query, { nowTicks: 100_000_000_000n });
  const second = compiler.compile(query, { nowTicks: 200_000_000_000n });
  expect(second.sql).toBe(first.sql);
  const values = (c: typeof first) => c.params.map((p) => p.value);
  expect(values(first)).toEqual(expect.arrayContaining([100_000_000_000n, 100_000_000_000n - 36_000_000_000n]));
  expect(values(second)).toEqual(expect.arrayContaining([200_000_000_000n, 200_000_000_000n - 36_000_000_000n]));
  // ago(1h) is one constant in the SQL, like a hand-written comparison.
  expect(second.sql).toMatch(/"TimeGenerated" > CAST\(\$\d+ AS BIGINT\)\)/);
}, 60_000);
