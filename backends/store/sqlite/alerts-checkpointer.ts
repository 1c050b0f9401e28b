import { Worker } from 'node:worker_threads';

/**
 * Checkpoints the WAL on a thread of its own, with a connection of its own: copying WAL
 * frames into the database file and fsyncing both takes tens of ms, which on the event
 * loop would stall every request in flight (the p99 of ingestion). PASSIVE checkpoints
 * never block the writer; the writer restarts the WAL from its beginning once a
 * checkpoint has caught up, so the file stays small.
 *
 * Nudged after group commits; checkpoints at most every `everyMs` while there is work.
 * Plain JS in the worker (no TypeScript loader there).
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(workerData.file, { timeout: 1000 });
let timer;
let stopping = false;
const checkpoint = () => {
  timer = undefined;
  if (stopping) return;
  try {
    db.exec('PRAGMA wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ error: String(error) });
  }
  parentPort.postMessage({ done: true });
};
parentPort.on('message', (message) => {
  if (message === 'nudge') timer ??= setTimeout(checkpoint, workerData.everyMs);
  if (message === 'stop') {
    stopping = true;
    if (timer) clearTimeout(timer);
    db.close();
    parentPort.close();
  }
});
`;

export class WalCheckpointer {
  private readonly worker: Worker;
  private nudged = false;
  /** Checkpoints run so far. */
  checkpoints = 0;
  private exited: Promise<void>;

  constructor(
    file: string,
    onError: (error: string) => void,
    // Close behind the writer, so the checkpoint its connection runs when the WAL gets large has little left to copy.
    everyMs = 100,
    /** After each checkpoint (tests wait for it). */
    private readonly onCheckpoint: () => void = () => undefined,
  ) {
    this.worker = new Worker(WORKER, { eval: true, workerData: { file, everyMs } });
    this.worker.unref();
    this.worker.on('message', (message: { done?: true; error?: string }) => {
      if (message.error) onError(message.error);
      if (message.done) {
        this.nudged = false;
        this.checkpoints++;
        this.onCheckpoint();
      }
    });
    this.worker.on('error', (error) => onError(String(error)));
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
  }

  /** There are new WAL frames: checkpoint soon (one message per checkpoint, however many commits). */
  nudge(): void {
    if (this.nudged) return;
    this.nudged = true;
    this.worker.postMessage('nudge');
  }

  async stop(): Promise<void> {
    this.worker.postMessage('stop');
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 2_000).unref());
    if ((await Promise.race([this.exited, timeout])) === 'timeout') await this.worker.terminate();
  }
}
