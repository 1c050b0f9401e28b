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

/** Each README row names its commands in code spans and their role (`operator / viewer` pairs up with two commands). */
function readmeRoles(readme: string, names: readonly string[]): Map<string, string> {
  const table = readme.slice(readme.indexOf('## What you can type'), readme.indexOf('## Roles'));
  const roles = new Map<string, string>();
  const byLength = [...names].sort((a, b) => b.length - a.length);
  for (const line of table.split('\n').filter((l) => l.startsWith('| `'))) {
    const cells = line.split(/(?<!\\)\|/).map((c) => c.trim());
    const [commands = '', , roleCell = ''] = cells.slice(1);
    const spans = [...commands.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    const named = spans.map((span) => byLength.find((n) => span === n || span.startsWith(`${n} `))).filter((n): n is string => n !== undefined);
    const cellRoles = roleCell.replace(/\(.*?\)/g, '').split('/').map((r) => r.trim().replace(/ /g, '-'));
    named.forEach((name, i) => roles.set(name, cellRoles.length === named.length ? cellRoles[i]! : cellRoles[0]!));
  }
  return roles;
}

test('the README gives every command the role the registry requires', () => {
  const readme = fs.readFileSync(path.resolve(__dirname, '../README.md'), 'utf8');
  const specs = allCommandSpecs();
  const documented = readmeRoles(readme, specs.map((c) => c.name));
  const wrong = specs.filter((c) => documented.get(c.name) !== c.role).map((c) => `${c.name}: registry ${c.role}, README ${documented.get(c.name) ?? 'none'}`);
  expect(wrong).toEqual([]);
});
