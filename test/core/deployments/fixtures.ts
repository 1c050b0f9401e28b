import fs from 'node:fs';
import path from 'node:path';

/** The shared folder sits beside the repository (in CI too). */
export const repoRoot = path.resolve(__dirname, '../../..');
export const fixtureDir = path.resolve(repoRoot, '../shared/fixtures/azure-devops');

export function fixture(name: string): Record<string, any> {
  return JSON.parse(fs.readFileSync(path.join(fixtureDir, `${name}.json`), 'utf8')) as Record<string, any>;
}

export const fixtureNames = (): string[] =>
  fs
    .readdirSync(fixtureDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''));

/** A deep copy with changes, for events Microsoft did not publish a sample of. */
export function variant(name: string, change: (event: Record<string, any>) => void): Record<string, any> {
  const copy = fixture(name);
  change(copy);
  return copy;
}
