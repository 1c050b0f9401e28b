import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, StateStoreError, type Migration } from '../../../backends/store/sqlite/database';
import { NodeSqlite } from '../../../backends/store/sqlite/driver';

const MIGRATIONS: Migration[] = [{ id: '0001-things', sql: 'CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT)' }];
let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetops-open-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const refusal = (open: () => unknown): string => {
  try {
    open();
  } catch (error) {
    expect(error).toBeInstanceOf(StateStoreError);
    return (error as Error).message;
  }
  throw new Error('expected the open to be refused');
};

test('a new database is WAL + synchronous FULL, migrated, and readable only by its owner', () => {
  const file = path.join(dir, 'state', 'fleetops.sqlite');
  const db = openDatabase(file, MIGRATIONS);
  expect(String(db.pragma('journal_mode', { simple: true }))).toBe('wal');
  expect(db.pragma('synchronous', { simple: true })).toBe(2);
  db.prepare('INSERT INTO things (name) VALUES (?)').run('a');
  expect(db.prepare('SELECT name FROM things').pluck().all()).toEqual(['a']);
  db.close();
  expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
});

test('a DATA_DIR that cannot be created or written is named, with the fix', () => {
  const notAFolder = path.join(dir, 'a-file');
  fs.writeFileSync(notAFolder, 'x');
  const message = refusal(() => openDatabase(path.join(notAFolder, 'fleetops.sqlite'), MIGRATIONS));
  expect(message).toMatch(/cannot write its state folder .*a-file/);
  expect(message).toMatch(/set DATA_DIR/);
});

test('a file that is not a SQLite database is refused and left as it was', () => {
  const file = path.join(dir, 'fleetops.sqlite');
  const garbage = Buffer.alloc(8192, 7);
  fs.writeFileSync(file, garbage);
  const message = refusal(() => openDatabase(file, MIGRATIONS));
  expect(message).toContain(file);
  expect(message).toMatch(/not a usable SQLite database.*move it aside/);
  expect(fs.readFileSync(file).equals(garbage)).toBe(true);
});

test('a database another process holds locked is refused with what to do', () => {
  const file = path.join(dir, 'fleetops.sqlite');
  const holder = new NodeSqlite(file);
  holder.exec('CREATE TABLE t (x); BEGIN EXCLUSIVE; INSERT INTO t VALUES (1)');
  try {
    const message = refusal(() => openDatabase(file, MIGRATIONS, { busyTimeoutInMs: 50 }));
    expect(message).toMatch(/is locked by another process.*its own DATA_DIR/);
  } finally {
    holder.exec('ROLLBACK');
    holder.close();
  }
});

test('a database migrated by a newer FleetOps is refused before anything is written', () => {
  const file = path.join(dir, 'fleetops.sqlite');
  openDatabase(file, [...MIGRATIONS, { id: '9999-from-the-future', sql: 'CREATE TABLE future (x)' }]).close();
  const before = fs.readFileSync(file);
  const message = refusal(() => openDatabase(file, MIGRATIONS));
  expect(message).toMatch(/migrated by a newer FleetOps \(it has migration 9999-from-the-future/);
  expect(fs.readFileSync(file).equals(before)).toBe(true);
});

test('nested transactions roll back to their savepoint; the outer one commits', () => {
  const db = openDatabase(':memory:', MIGRATIONS);
  const insert = db.prepare('INSERT INTO things (name) VALUES (?)');
  db.transaction(() => {
    insert.run('outer');
    expect(() =>
      db.transaction(() => {
        insert.run('inner');
        throw new Error('inner fails');
      })(),
    ).toThrow('inner fails');
  })();
  expect(db.prepare('SELECT name FROM things').pluck().all()).toEqual(['outer']);
  expect(db.inTransaction).toBe(false);
});
