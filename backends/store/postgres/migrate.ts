import type { Pool } from 'pg';
import { assertUniqueIds, pendingMigrations, unknownMigrations, type Migration } from '../migration';

/** The database cannot be used by this version; nothing was changed. */
export class PostgresStateError extends Error {
  override readonly name = 'PostgresStateError';
}

/** Any constant: every FleetOps replica takes the same advisory lock, so they migrate one at a time. */
const MIGRATION_LOCK = 0x466c4f70; // 'FlOp'

/**
 * Applies pending migrations under a session advisory lock: replicas starting together
 * wait for each other, and the second finds nothing left to do. Refuses, before changing
 * anything, a database that a newer FleetOps has migrated. Returns the ids applied.
 */
export async function migratePostgres(pool: Pool, migrations: readonly Migration[]): Promise<string[]> {
  assertUniqueIds(migrations);
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
      const applied = new Set((await client.query<{ id: string }>('SELECT id FROM schema_migrations')).rows.map((r) => r.id));
      const unknown = unknownMigrations(migrations, applied);
      if (unknown.length > 0) {
        throw new PostgresStateError(
          `The PostgreSQL database was migrated by a newer FleetOps (it has migration ${unknown.at(-1)}, which this version does not know): deploy that newer version, or point DATABASE_URL at another database. Nothing was changed.`,
        );
      }
      const pending = pendingMigrations(migrations, applied);
      for (const m of pending) {
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (id) VALUES ($1)', [m.id]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      }
      return pending.map((m) => m.id);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}
