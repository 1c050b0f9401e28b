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
    const cellRoles = roleCell
      .replace(/\(.*?\)/g, '')
      .split('/')
      .map((r) => r.trim().replace(/ /g, '-'));
    for (const [i, name] of named.entries()) roles.set(name, cellRoles.length === named.length ? cellRoles[i]! : cellRoles[0]!);
  }
  return roles;
}

test('the README gives every command the role the registry requires', () => {
  const readme = fs.readFileSync(path.resolve(__dirname, '../README.md'), 'utf8');
  const specs = allCommandSpecs();
  const documented = readmeRoles(
    readme,
    specs.map((c) => c.name),
  );
  const wrong = specs.filter((c) => documented.get(c.name) !== c.role).map((c) => `${c.name}: registry ${c.role}, README ${documented.get(c.name) ?? 'none'}`);
  expect(wrong).toEqual([]);
});

/** The README's links stay inside the repository (it once linked ../shared/DESIGN.md) and point at files that exist. */
test('the README links only to files of the repository', () => {
  const root = path.resolve(__dirname, '..');
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const targets = [...readme.matchAll(/\]\(([^)#\s]+)[^)]*\)/g)].map((m) => m[1]!).filter((t) => !/^[a-z]+:/i.test(t));
  expect(targets).toContain('docs/architecture.md');
  const outside = targets.filter((t) => path.relative(root, path.resolve(root, t)).startsWith('..') || !fs.existsSync(path.resolve(root, t)));
  expect(outside).toEqual([]);
});

/** docs/architecture.md is written from the code: every source path it names exists. */
test('the architecture document names only files and folders that exist', () => {
  const root = path.resolve(__dirname, '..');
  const doc = fs.readFileSync(path.join(root, 'docs/architecture.md'), 'utf8');
  const paths = [...doc.matchAll(/`((?:bot|commands|cards|jobs|core|backends|sim|cli|manifest|pipelines|test)\/[\w./-]*)`/g)].map((m) =>
    m[1]!.replace(/\/$/, ''),
  );
  expect(paths.length).toBeGreaterThan(20);
  expect(paths.filter((p) => !fs.existsSync(path.join(root, p)))).toEqual([]);
});
