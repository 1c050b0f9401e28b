import fs from 'node:fs';
import path from 'node:path';

/**
 * The dependency rule of DESIGN.md, checked on the source: core/ imports only core/
 * (the ports live in core/ports and in each domain's repository.ts); commands/, cards/ and
 * jobs/ never import adapters, SDKs or bot/; only bot/ (the composition root) wires adapters.
 */
const ROOT = path.resolve(__dirname, '..');

function sourceFiles(dir: string): string[] {
  const full = path.join(ROOT, dir);
  if (!fs.existsSync(full)) return [];
  return fs
    .readdirSync(full, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => path.join(dir, f));
}

function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    found.push(match[1] ?? match[2] ?? match[3]!);
  }
  return found;
}

/** An import as a repository path ('core/alerts/alert') or a package name ('@azure/identity'). */
function resolveImport(file: string, spec: string): string {
  if (!spec.startsWith('.')) return `pkg:${spec}`;
  return path
    .relative(ROOT, path.resolve(ROOT, path.dirname(file), spec))
    .split(path.sep)
    .join('/');
}

const NODE_BUILTINS = /^pkg:(node:)?(crypto|events|util|timers|timers\/promises|assert|path|url)$/;
const PURE_PACKAGES = /^pkg:(zod)$/;

test('core/ imports only core/ (its ports included), node built-ins and zod', () => {
  const violations = sourceFiles('core').flatMap((file) =>
    importsOf(file)
      .map((spec) => resolveImport(file, spec))
      .filter((t) => !(t.startsWith('core/') || NODE_BUILTINS.test(t) || PURE_PACKAGES.test(t)))
      .map((t) => `${file} → ${t}`),
  );
  expect(violations).toEqual([]);
});

test('commands/, cards/ and jobs/ do not import adapters, SDKs or the composition root', () => {
  const forbidden = (t: string) =>
    t.startsWith('bot/') ||
    t.startsWith('backends/') ||
    /^pkg:(@microsoft\/teams|@azure\/|azure-iothub|@duckdb|node:sqlite|pg$|applicationinsights|express)/.test(t);
  const violations = ['commands', 'cards', 'jobs'].flatMap((dir) =>
    sourceFiles(dir).flatMap((file) =>
      importsOf(file)
        .map((spec) => resolveImport(file, spec))
        .filter(forbidden)
        .map((t) => `${file} → ${t}`),
    ),
  );
  expect(violations).toEqual([]);
});

test('only the entry points read the environment; everything else gets the config readConfig made', () => {
  const entryPoints = new Set(['bot/main.ts', 'bot/playground.ts', 'cli/main.ts']);
  const readers = ['bot', 'commands', 'cards', 'jobs', 'core', 'backends', 'sim', 'cli']
    .flatMap(sourceFiles)
    .filter((file) => !entryPoints.has(file))
    .filter((file) => /process\.env|config\.env\b/.test(fs.readFileSync(path.join(ROOT, file), 'utf8')));
  expect(readers).toEqual([]);
});

test('no any, `as unknown as` or `as never` in the source folders (tests may cast where they feed wrong shapes on purpose)', () => {
  const folders = ['bot', 'cards', 'commands', 'core', 'backends', 'jobs', 'sim', 'cli', 'manifest', 'bench', 'bin'];
  const loopholes = [/:\s*any\b/, /<any>/, /\bas any\b/, /\bas unknown as\b/, /\bas never\b/, /=\s*any\s*;/];
  // Kusto.Language is a Bridge.NET global without importable types: its objects are one named `any` there.
  const allowed = new Set(['backends/logs/kql/kusto.ts: export type KustoObject = any;']);
  const files = folders.flatMap((dir) => {
    const full = path.join(ROOT, dir);
    if (!fs.existsSync(full)) return [];
    return fs
      .readdirSync(full, { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'))
      .map((f) => path.join(dir, f).split(path.sep).join('/'));
  });
  expect(files.length).toBeGreaterThan(100);
  const found = files.flatMap((file) => {
    // Comments may say "as any user"; only code counts.
    const code = fs
      .readFileSync(path.join(ROOT, file), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/(^|\s)\/\/.*$/gm, '$1');
    return code
      .split('\n')
      .filter((line) => loopholes.some((pattern) => pattern.test(line)))
      .map((line) => `${file}: ${line.trim()}`)
      .filter((hit) => !allowed.has(hit));
  });
  expect(found).toEqual([]);
});

/** The mermaid blocks of docs/architecture.md, by their first line. */
function diagrams(): string[] {
  const doc = fs.readFileSync(path.join(ROOT, 'docs/architecture.md'), 'utf8');
  return [...doc.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

test('the layers diagram of docs/architecture.md is the import graph between the folders, no more and no less', () => {
  const layers = diagrams().find((d) => d.startsWith('%% layers'));
  expect(layers).toBeDefined();
  const drawn = new Set([...layers!.matchAll(/^\s*(\w+) --> (\w+)\s*$/gm)].map((m) => `${m[1]} --> ${m[2]}`));
  const folders = ['bot', 'commands', 'cards', 'jobs', 'core', 'backends', 'sim', 'cli', 'manifest'];
  const actual = new Map<string, string>();
  for (const from of folders) {
    for (const file of sourceFiles(from)) {
      for (const target of importsOf(file).map((spec) => resolveImport(file, spec))) {
        const to = target.split('/')[0]!;
        if (to !== from && folders.includes(to)) actual.set(`${from} --> ${to}`, `${file} → ${target}`);
      }
    }
  }
  // An import the picture does not show (with one example), and an arrow nothing needs any more.
  expect([...actual].filter(([edge]) => !drawn.has(edge)).map(([edge, example]) => `${edge} (${example})`)).toEqual([]);
  expect([...drawn].filter((edge) => !actual.has(edge))).toEqual([]);
});

test('every source file a diagram of docs/architecture.md names exists', () => {
  const named = diagrams().flatMap((d) => [...d.matchAll(/\b((?:bot|commands|cards|jobs|core|backends|sim|cli|manifest)\/[\w./-]+\.ts)\b/g)].map((m) => m[1]!));
  expect(named.length).toBeGreaterThan(10);
  expect(named.filter((file) => !fs.existsSync(path.join(ROOT, file)))).toEqual([]);
});
