import fs from 'node:fs';
import path from 'node:path';

/**
 * Teams' light theme draws the Warning text colour pale yellow on white: unreadable
 * ("Offline" on the fleet card, the approval line on pipeline cards). Every pinned card
 * keeps its text in readable colours; a warning look comes from a container style instead.
 */
test('no pinned card colours its text Warning', () => {
  const dir = path.join(__dirname, '__snapshots__');
  const offenders = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.snap'))
    .flatMap((f) => (fs.readFileSync(path.join(dir, f), 'utf8').match(/"color": "Warning"/g) ?? []).map(() => f));
  expect(offenders).toEqual([]);
});
