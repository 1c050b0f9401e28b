/** Property: no text from a query's literals ever appears in the SQL; it travels only as a bound parameter. */
import fc from 'fast-check';
import { closeEngine, engine, run } from './engine-helper';

beforeAll(() => run('print 1'), 60_000);
afterAll(closeEngine);

/** A KQL string literal for any text (backslash escapes, as Kusto reads them). */
const kqlString = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;

const nasty = fc.oneof(
  fc.string({ minLength: 1, maxLength: 30 }),
  fc.constantFrom(`'; DROP TABLE DeviceLogs; --`, `" OR 1=1 --`, `'' || ''`, `\\' \\"`, `$1`, `"quoted"`, `''nested 'quotes''`, `%_*`, `\\u0000`),
);

// A marker makes the literal unmistakable, so a hit in the SQL cannot be a coincidence.
const marked = nasty.map((s) => `zq7${s}7qz`);

const templates = [
  (v: string) => `print x = ${kqlString(v)}`,
  (v: string) => `DeviceLogs | where Message has ${kqlString(v)} | take 1`,
  (v: string) => `DeviceLogs | where Message contains ${kqlString(v)} or DeviceId == ${kqlString(v)} | count`,
  (v: string) => `DeviceLogs | where Level in~ (${kqlString(v)}, "x") | summarize count() by Component`,
  (v: string) => `datatable(s:string)[${kqlString(v)}] | extend t = strcat(s, ${kqlString(v)}), r = replace_string(s, ${kqlString(v)}, "y")`,
  (v: string) => `print d = dynamic({"k": ${kqlString(v)}}) | extend e = d[${kqlString(v)}]`,
  (v: string) => `print s = ${kqlString(v)} | parse s with "zq7" rest`,
];

test('literals never appear in the SQL text, only as parameters', () => {
  fc.assert(
    fc.property(marked, fc.integer({ min: 0, max: templates.length - 1 }), (value, t) => {
      const compiled = engine().compile(templates[t](value));
      expect(compiled.sql).not.toContain(value);
      expect(compiled.sql).not.toContain('zq7');
    }),
    { numRuns: 120 },
  );
});

test('a literal survives the round trip unchanged', async () => {
  await fc.assert(
    fc.asyncProperty(marked, async (value) => {
      const result = await run(`print x = ${kqlString(value)}`);
      expect(result.rows).toEqual([[value]]);
    }),
    { numRuns: 20 },
  );
});
