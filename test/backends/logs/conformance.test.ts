/**
 * Every conformance case (test/backends/logs/conformance/*.json) through `fleetops kql
 * --jsonl`, compared with what Kusto returns. Cases listed in known-failures.json are
 * expected to fail (with the reason); when one starts passing, remove it from the list.
 */
import { knownFailures, loadCases, mismatch, runAll, type CliAnswer } from './conformance/harness';

const cases = loadCases();
const known = knownFailures();
let answers: CliAnswer[] = [];

beforeAll(() => {
  answers = runAll(cases.map((c) => c.query));
}, 120_000);

test('the known-failures list names existing cases', () => {
  const ids = new Set(cases.map((c) => c.id));
  expect(Object.keys(known).filter((id) => !ids.has(id))).toEqual([]);
});

describe.each(cases.map((c, i) => [c.id, i] as const))('%s', (_id, index) => {
  const c = cases[index];
  const check = () => {
    const why = mismatch(c, answers[index]);
    if (why) throw new Error(`${why}\nquery: ${c.query}\nsource: ${c.source}`);
  };
  if (known[c.id]) test.failing(`fails: ${known[c.id]}`, check);
  else test('matches Kusto', check);
});
