import fs from 'node:fs';
import path from 'node:path';
import { assertUniqueIds, pendingMigrations, unknownMigrations, type Migration } from '../migration';
import { NodeSqlite, type SqliteDatabase } from './driver';

export type { SqliteDatabase, SqliteStatement } from './driver';

export type { Migration } from '../migration';

/** The state database cannot be used as it is; the message names the file and what to do. Nothing was changed. */
export class StateStoreError extends Error {
  override readonly name = 'StateStoreError';
}

/**
 * Opens (or creates) the state database. WAL + synchronous=FULL: a write that returned
 * has reached the disk, so anything acknowledged with a 2xx survives `kill -9`.
 *
 * Refuses, with one line naming the file and the fix, a folder it cannot write, a file
 * that is not a database or is damaged, one another process holds locked, and one that a
 * newer FleetOps has migrated. In each case nothing is written.
 */
export function openDatabase(file: string, migrations: readonly Migration[], options: { busyTimeoutInMs?: number } = {}): SqliteDatabase {
  if (file !== ':memory:') prepareDirectory(file);
  let db: SqliteDatabase | undefined;
  try {
    // node:sqlite's `timeout` is SQLite's busy timeout.
    db = new NodeSqlite(file, { timeoutMs: Math.trunc(options.busyTimeoutInMs ?? 5_000) });
    // Reading the schema is the first thing that touches the file's content: a damaged or foreign file fails here.
    db.pragma('schema_version', { simple: true });
    refuseNewerSchema(db, file, migrations);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // 64 MiB page cache (the default is 2 MiB): rollout ticks and fleet queries over 100k
    // devices revisit the same index pages.
    db.pragma('cache_size = -65536');
    migrate(db, migrations);
    if (file !== ':memory:') restrictFile(file);
    return db;
  } catch (error) {
    db?.close();
    throw error instanceof StateStoreError ? error : new StateStoreError(explainOpenFailure(file, error));
  }
}

export function migrate(db: SqliteDatabase, migrations: readonly Migration[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  assertUniqueIds(migrations);
  const applied = new Set(db.prepare('SELECT id FROM schema_migrations').pluck().all() as string[]);
  const pending = pendingMigrations(migrations, applied);
  const record = db.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)');
  for (const m of pending) {
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.id, new Date().toISOString());
    })();
  }
}

/** The state holds alert payloads, conversation references and the audit: only the bot's user may read it. */
function prepareDirectory(file: string): void {
  const dir = path.dirname(file);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (error) {
    throw new StateStoreError(
      `FleetOps cannot write its state folder ${dir} (${(error as NodeJS.ErrnoException).code ?? String(error)}): set DATA_DIR to a folder this user can write, or fix its permissions.`,
    );
  }
}

function restrictFile(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      fs.chmodSync(f, 0o600);
    } catch {
      // -wal and -shm exist only while a connection has them open.
    }
  }
}

function refuseNewerSchema(db: SqliteDatabase, file: string, migrations: readonly Migration[]): void {
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
  if (!hasTable) return;
  const unknown = unknownMigrations(migrations, db.prepare('SELECT id FROM schema_migrations').pluck().all() as string[]);
  if (unknown.length > 0) {
    throw new StateStoreError(
      `${file} was migrated by a newer FleetOps (it has migration ${unknown[unknown.length - 1]}, which this version does not know): run that newer version, or point DATA_DIR at another folder. Nothing was changed.`,
    );
  }
}

function explainOpenFailure(file: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { errcode?: number }).errcode;
  // SQLite's primary result codes: 5 BUSY, 6 LOCKED, 11 CORRUPT, 26 NOTADB, 14 CANTOPEN, 8 READONLY.
  const primary = code === undefined ? undefined : code & 0xff;
  if (primary === 5 || primary === 6 || /locked|busy/i.test(message)) {
    return `${file} is locked by another process (${message}): stop the other FleetOps using this DATA_DIR, or give this one its own DATA_DIR. Nothing was changed.`;
  }
  if (primary === 11 || primary === 26 || /malformed|not a database|corrupt/i.test(message)) {
    return `${file} is not a usable SQLite database (${message}): move it aside and start again to create a new one, or restore it from a backup. Nothing was changed.`;
  }
  if (primary === 14 || primary === 8 || /readonly|unable to open/i.test(message)) {
    return `FleetOps cannot open ${file} for writing (${message}): make the file and its folder writable by this user, or set DATA_DIR to another folder.`;
  }
  return `FleetOps cannot open its state database ${file}: ${message}`;
}
