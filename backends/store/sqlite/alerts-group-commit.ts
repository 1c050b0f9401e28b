import fs from 'node:fs';
import path from 'node:path';
import type { SqliteDatabase } from './database';

/**
 * Group commit with the disk flush off the event loop.
 *
 * The database runs WAL + synchronous=FULL: every commit fsyncs the WAL on the calling
 * thread (3–5 ms here), and the event loop, which should be reading the next requests,
 * waits for the disk. Here a transaction commits with synchronous=NORMAL (its frames are
 * written to the WAL, not yet flushed), then the WAL file is fdatasync'ed on libuv's
 * thread pool; `durable` resolves once a flush that STARTED AFTER the commit has
 * completed. Commits made while flushes run share the next one. So callers answer 2xx
 * only when their writes are on disk, exactly as with FULL, but the event loop never
 * waits for it and one flush serves every alert that arrived meanwhile.
 *
 * Checkpoints are left to the checkpointer thread (alerts-checkpointer.ts): one copies
 * the WAL into the database and fsyncs both, tens of ms on the event loop. Under
 * sustained writes it never quite catches up at the moment a commit starts, so the WAL
 * would never restart and would grow without bound; past WAL_RESTART_VALVE_PAGES the
 * committing connection checkpoints the little the thread has not copied yet, and the
 * WAL restarts. The connection's own settings are restored after each commit, so other
 * writers keep FULL and the default autocheckpoint.
 *
 * Not WAL (":memory:" in tests, other journal modes): a plain transaction, durable when it returns.
 */
/**
 * A commit made while a flush runs does not wait for it to end: it starts its own (the
 * disk takes ~5–20 ms, and waiting for the running one first doubled the worst answers).
 * Beyond this many at once, commits gather for the next one that ends.
 */
const MAX_PARALLEL_FLUSHES = 3;

/** 16 MB of WAL (4 KB pages): a few seconds of a storm at full rate. */
const WAL_RESTART_VALVE_PAGES = 4_000;

export class WalGroupCommit {
  private readonly walFile: string | undefined;
  private readonly restore: { synchronous: number; autocheckpoint: number };
  private waiting: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  private flushesRunning = 0;
  private directorySynced: Promise<void> | undefined;
  /** Called after each commit that left WAL frames to checkpoint. */
  onCommit: () => void = () => undefined;
  /** Commits and disk flushes so far (flushes ≤ commits: the group commit at work). */
  readonly stats = { commits: 0, flushes: 0 };

  constructor(
    private readonly db: SqliteDatabase,
    private readonly walRestartPages = WAL_RESTART_VALVE_PAGES,
  ) {
    const wal = db.memory ? undefined : String(db.pragma('journal_mode', { simple: true })).toLowerCase() === 'wal';
    this.walFile = wal ? `${db.name}-wal` : undefined;
    this.restore = {
      synchronous: Number(db.pragma('synchronous', { simple: true })),
      autocheckpoint: Number(db.pragma('wal_autocheckpoint', { simple: true })),
    };
  }

  /** True when commits are flushed here (a WAL file on disk); false when `commit` is a plain durable transaction. */
  get deferred(): boolean {
    return this.walFile !== undefined;
  }

  commit<T>(work: () => T): { result: T; durable: Promise<void> } {
    if (!this.walFile) return { result: this.db.transaction(work)(), durable: Promise.resolve() };
    this.relaxSync();
    let result: T;
    try {
      result = this.db.transaction(work)();
    } finally {
      this.restoreSync();
    }
    return { result, durable: this.committed() };
  }

  /** As `commit`, for work that awaits; the caller holds the connection meanwhile (SqliteGate.exclusive). */
  async commitAsync<T>(work: () => Promise<T>): Promise<{ result: T; durable: Promise<void> }> {
    if (!this.walFile) return { result: await transactionAsync(this.db, work), durable: Promise.resolve() };
    this.relaxSync();
    let result: T;
    try {
      result = await transactionAsync(this.db, work);
    } finally {
      this.restoreSync();
    }
    return { result, durable: this.committed() };
  }

  /** The commit's frames go to the WAL unflushed (the flush below makes them durable); no checkpoint on this thread below the valve. */
  private relaxSync(): void {
    if (this.db.inTransaction) throw new Error('group commit inside another transaction: its durability would be the outer one’s');
    this.db.exec(`PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = ${this.walRestartPages}`);
  }

  private restoreSync(): void {
    this.db.exec(`PRAGMA synchronous = ${this.restore.synchronous}; PRAGMA wal_autocheckpoint = ${this.restore.autocheckpoint}`);
  }

  /** Counts a commit and returns the promise of its flush. */
  private committed(): Promise<void> {
    this.stats.commits++;
    const durable = new Promise<void>((resolve, reject) => this.waiting.push({ resolve, reject }));
    this.startFlushes();
    this.onCommit();
    return durable;
  }

  /** Starts a flush for the commits waiting, unless enough are running: one of those that ends starts it. */
  private startFlushes(): void {
    while (this.waiting.length > 0 && this.flushesRunning < MAX_PARALLEL_FLUSHES) {
      // Every commit in this group wrote its frames before the flush below starts.
      const group = this.waiting;
      this.waiting = [];
      this.flushesRunning++;
      void this.flush(group).finally(() => {
        this.flushesRunning--;
        this.startFlushes();
      });
    }
  }

  private async flush(group: ReadonlyArray<{ resolve: () => void; reject: (error: unknown) => void }>): Promise<void> {
    try {
      // The WAL's directory entry must be durable too (once: the file is reused, not recreated, while the database is open).
      this.directorySynced ??= syncFile(path.dirname(this.walFile!), 'r');
      await this.directorySynced;
      await syncFile(this.walFile!, 'r+');
      this.stats.flushes++;
      for (const w of group) w.resolve();
    } catch (error) {
      // The frames may not be on disk: refuse (Azure retries; a retry is then stored again, or found as a duplicate once flushed).
      this.directorySynced = undefined;
      for (const w of group) w.reject(error);
    }
  }
}

/**
 * fdatasync on a descriptor of our own (the WAL has no POSIX locks, so closing it cannot
 * drop SQLite's; those live on the database and -shm files). Opened per flush: always
 * the file SQLite is writing now.
 */
async function syncFile(file: string, flags: 'r' | 'r+'): Promise<void> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, flags);
  } catch (error) {
    // SQLite deletes the WAL only when the last connection closes, after checkpointing it into the synced database file.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    if (flags === 'r') await handle.sync();
    else await handle.datasync();
  } finally {
    await handle.close();
  }
}

/** BEGIN, the work (which may await), COMMIT; ROLLBACK when it throws. */
async function transactionAsync<T>(db: SqliteDatabase, work: () => Promise<T>): Promise<T> {
  db.exec('BEGIN');
  try {
    const result = await work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
