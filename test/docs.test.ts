import fs from 'node:fs';
import path from 'node:path';
import { allCommandSpecs } from '../bot/commands';

/** The registry is the single source; the README's command table must not fall behind it. */
test('the README documents every command of the registry', () => {
  const readme = fs.readFileSync(path.resolve(__dirname, '../README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('## What you can type'), readme.indexOf('## Roles'));
  const missing = allCommandSpecs()
    .map((c) => c.name)
    .filter((name) => !table.includes(`\`${name}`));
  expect(missing).toEqual([]);
});
