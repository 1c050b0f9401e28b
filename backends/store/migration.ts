/**
 * A schema change, applied once per database in `id` order. Each feature registers
 * its own migrations; ids are globally unique and never reused or edited once shipped.
 */
export interface Migration {
  readonly id: string; // e.g. '0001-conversations'
  readonly sql: string;
}

/** Two features that registered one id would each think the other's change was theirs. */
export function assertUniqueIds(migrations: readonly Migration[]): void {
  const seen = new Set<string>();
  for (const m of migrations) {
    if (seen.has(m.id)) throw new Error(`Duplicate migration id ${m.id}`);
    seen.add(m.id);
  }
}

/** The migrations `applied` lacks, in id order. */
export function pendingMigrations(migrations: readonly Migration[], applied: ReadonlySet<string>): Migration[] {
  return [...migrations].sort((a, b) => a.id.localeCompare(b.id)).filter((m) => !applied.has(m.id));
}

/** Applied ids this code does not know, in id order: a newer version migrated the database. */
export function unknownMigrations(migrations: readonly Migration[], applied: Iterable<string>): string[] {
  const known = new Set(migrations.map((m) => m.id));
  return [...applied].filter((id) => !known.has(id)).sort();
}
