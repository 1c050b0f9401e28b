/**
 * `npx tsx test/backends/logs/conformance/report.ts [filter]`: runs the conformance cases
 * and prints each failure with its reason, then the totals.
 */
import { knownFailures, loadCases, mismatch, runAll, typeMismatch } from './harness';

async function report(): Promise<void> {
  const filter = process.argv[2];
  const cases = loadCases().filter((c) => !filter || c.id.includes(filter));
  const answers = runAll(cases.map((c) => c.query));
  const known = knownFailures();
  let passed = 0;
  let typeDiffs = 0;
  for (let i = 0; i < cases.length; i++) {
    const why = mismatch(cases[i], answers[i]);
    const typeWhy = typeMismatch(cases[i], answers[i]);
    if (typeWhy && !why) {
      typeDiffs += 1;
      if (process.env.TYPES) console.log(`TYPE ${cases[i].id}: ${typeWhy}`);
    }
    if (!why) passed += 1;
    else console.log(`${known[cases[i].id] ? 'KNOWN' : 'FAIL '} ${cases[i].id}: ${why}\n      ${cases[i].query.slice(0, 300)}`);
  }
  console.log(`\n${passed}/${cases.length} pass; ${typeDiffs} with other column types`);
}

void report();
