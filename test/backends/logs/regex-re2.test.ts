/**
 * Kusto's regexes are RE2: linear time. The regex functions once ran on V8's backtracking
 * engine, where `(a+)+$` against 29 a's and a "!" took seconds and 40 a's took hours, on
 * the event loop, past any timeout. They must answer like RE2: at once, with Kusto's result.
 */
import { captureGroups } from '../../../backends/logs/kql/regex';
import { closeEngine, engine, run } from './engine-helper';

afterAll(closeEngine);

beforeAll(async () => {
  await run('print 1'); // warms Microsoft's parser, so the bounds below time the query alone
}, 60_000);

/** How long `kql` takes, in ms, and its rows. */
async function timed(kql: string): Promise<{ ms: number; rows: unknown[][] }> {
  const started = performance.now();
  const { rows } = await run(kql);
  return { ms: performance.now() - started, rows };
}

// A backtracking engine needs 2^n steps for these; RE2 needs n. The bound is far off on purpose.
test.each([29, 40, 5_000])(
  'extract_all(@"(a+)+$") on %i a\'s and a "!" answers at once, with no match',
  async (n) => {
    const { ms, rows } = await timed(`print extract_all(@"(a+)+$", strcat(strrep("a", ${n}), "!"))`);
    expect(rows).toEqual([[null]]);
    expect(ms).toBeLessThan(3_000);
  },
  10_000,
);

test.each([
  ['countof', `print countof(strcat(strrep("a", 40), "!"), @"(a+)+$", "regex")`, 0],
  ['extract', `print isempty(extract(@"(a+)+$", 1, strcat(strrep("a", 40), "!")))`, true],
  ['matches regex', `print strcat(strrep("a", 40), "!") matches regex @"(a+)+$"`, false],
  ['replace_regex', `print replace_regex(strcat(strrep("a", 40), "!"), @"(a+)+$", "x") == strcat(strrep("a", 40), "!")`, true],
  ['parse kind=regex', `print s = strcat(strrep("a", 40), "!") | parse kind=regex s with @"(a+)+$" rest | project isempty(rest)`, true],
])(
  '%s with a catastrophic pattern answers at once',
  async (_name, kql, expected) => {
    const { ms, rows } = await timed(kql);
    expect(rows).toEqual([[expected]]);
    expect(ms).toBeLessThan(3_000);
  },
  10_000,
);

test('extract_all keeps Kusto\'s shapes: one group → values, several → arrays, named groups, "" for a group that took no part', async () => {
  expect((await run('print extract_all(@"(\\d+)", "a 12 b 345")')).rows).toEqual([[['12', '345']]]);
  expect((await run('print extract_all(@"\\d", "a1b2")')).rows).toEqual([[['1', '2']]]);
  expect((await run('print extract_all(@"(\\w)(\\d)?", "a1b c3")')).rows).toEqual([
    [
      [
        ['a', '1'],
        ['b', ''],
        ['c', '3'],
      ],
    ],
  ]);
  expect((await run('print extract_all(@"(?P<x>\\w)(?P<y>\\d)", dynamic(["y", "x"]), "a1b2")')).rows).toEqual([
    [
      [
        ['1', 'a'],
        ['2', 'b'],
      ],
    ],
  ]);
  expect((await run('print extract_all(@"(\\d)", "none")')).rows).toEqual([[null]]);
  expect((await run('print countof("The cat sat on the mat", @"\\b.at\\b", "regex"), countof("ababa", "aba", "regex"), countof("ababa", "aba")')).rows).toEqual(
    [[3, 1, 2]],
  );
});

test('extract_all with a group the regex does not have is a clear mistake, not a crash', async () => {
  await expect(engine().query('print extract_all(@"(\\d)", dynamic([2]), "a1")')).rejects.toThrow(/no capture group 2/);
});

test('captureGroups counts RE2 groups, not escaped or bracketed parentheses', () => {
  expect(captureGroups('(a)(?:b)(?P<n>c)(?<m>d)(?i)')).toEqual(['', 'n', 'm']);
  expect(captureGroups('\\((x)[(][^)]\\Q(()\\E[[:alpha:](]')).toEqual(['']);
  expect(captureGroups('[]()](y)')).toEqual(['']);
});
