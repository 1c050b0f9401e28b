import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type SqliteDatabase } from '../../../backends/store/sqlite/database';
import { WalGroupCommit } from '../../../backends/store/sqlite/alerts-group-commit';
import { WalCheckpointer } from '../../../backends/store/sqlite/alerts-checkpointer';

const MIGRATION = { id: '9999-notes', sql: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)' };

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function fileDatabase(): { db: SqliteDatabase; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetops-group-commit-'));
  dirs.push(dir);
  const file = path.join(dir, 'state.sqlite');
  return { db: openDatabase(file, [MIGRATION]), file };
}

const settings = (db: SqliteDatabase) => ({
  synchronous: db.pragma('synchronous', { simple: true }),
  autocheckpoint: db.pragma('wal_autocheckpoint', { simple: true }),
});

describe('WalGroupCommit', () => {
  it('commits at once and is durable after a flush of the WAL; beyond three flushes at once, commits share one', async () => {
    const { db } = fileDatabase();
    const commits = new WalGroupCommit(db);
    const insert = db.prepare('INSERT INTO notes (text) VALUES (?)');
    const first = commits.commit(() => insert.run('a').lastInsertRowid);
    // Visible at once to this connection (the next batch builds on it); durable later.
    expect(db.prepare('SELECT COUNT(*) FROM notes').pluck().get()).toBe(1);
    const more = ['b', 'c', 'd', 'e', 'f'].map((text) => commits.commit(() => insert.run(text)));
    await Promise.all([first.durable, ...more.map((c) => c.durable)]);
    expect(commits.stats.commits).toBe(6);
    // Three flushes start at once; the three commits made meanwhile share the next one.
    expect(commits.stats.flushes).toBe(4);
    db.close();
  });

  it('leaves the connection as it found it (FULL, autocheckpoint on) for other writers, even when the work throws', async () => {
    const { db } = fileDatabase();
    const before = settings(db);
    const commits = new WalGroupCommit(db);
    const { durable } = commits.commit(() => db.prepare('INSERT INTO notes (text) VALUES (?)').run('a'));
    expect(settings(db)).toEqual(before);
    expect(() =>
      commits.commit(() => {
        db.prepare('INSERT INTO notes (text) VALUES (?)').run('b');
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(settings(db)).toEqual(before);
    expect(db.prepare('SELECT text FROM notes').pluck().all()).toEqual(['a']);
    expect(before).toEqual({ synchronous: 2, autocheckpoint: 1000 });
    await durable;
    db.close();
  });

  it('is a plain durable transaction without a WAL file (in-memory databases)', async () => {
    const db = openDatabase(':memory:', [MIGRATION]);
    const commits = new WalGroupCommit(db);
    expect(commits.deferred).toBe(false);
    const { result, durable } = commits.commit(() => db.prepare('INSERT INTO notes (text) VALUES (?)').run('a').changes);
    expect(result).toBe(1);
    await durable;
    db.close();
  });

  it('keeps the WAL bounded under sustained writes even when no checkpointer keeps up', async () => {
    const { db } = fileDatabase();
    const commits = new WalGroupCommit(db, 200);
    const insert = db.prepare('INSERT INTO notes (text) VALUES (?)');
    const row = 'x'.repeat(3000);
    const walPages = () => (db.pragma('wal_checkpoint(NOOP)') as Array<{ log: number }>)[0]!.log;
    let most = 0;
    const flushed: Array<Promise<void>> = [];
    for (let round = 0; round < 30; round++) {
      flushed.push(
        commits.commit(() => {
          for (let i = 0; i < 40; i++) insert.run(row);
        }).durable,
      );
      most = Math.max(most, walPages());
    }
    await Promise.all(flushed);
    // 1,200 rows of 3 KB: ~1,000 pages unchecked; the valve restarts the WAL past 200 (plus the commit that crossed it).
    expect(most).toBeLessThan(300);
    db.close();
  });
});

describe('WalCheckpointer', () => {
  it('checkpoints on its own thread, so the WAL restarts instead of growing', async () => {
    const { db, file } = fileDatabase();
    const commits = new WalGroupCommit(db);
    let checkpointed: () => void = () => undefined;
    const checkpointer = new WalCheckpointer(
      file,
      (error) => {
        throw new Error(error);
      },
      0,
      () => checkpointed(),
    );
    commits.onCommit = () => checkpointer.nudge();
    const insert = db.prepare('INSERT INTO notes (text) VALUES (?)');
    const row = 'x'.repeat(3000);
    const walPages = () => (db.pragma('wal_checkpoint(NOOP)') as Array<{ log: number }>)[0]!.log;
    for (let round = 0; round < 3; round++) {
      const done = new Promise<void>((resolve) => (checkpointed = resolve));
      const { durable } = commits.commit(() => {
        for (let i = 0; i < 400; i++) insert.run(row);
      });
      await durable;
      await done;
    }
    // 1,200 rows of 3 KB would be ~1,000 pages in an unchecked WAL; restarts keep it at one round's worth.
    expect(walPages()).toBeLessThan(600);
    expect(db.prepare('SELECT COUNT(*) FROM notes').pluck().get()).toBe(1200);
    await checkpointer.stop();
    db.close();
  });
});
