import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { askToExit } from '../../threads/spawn-worker.ts';

/**
 * WAL checkpoints on a thread of their own. With SQLite's automatic checkpoints the commit that crosses the
 * threshold copies the WAL back into the database file itself, on the writer's thread: under log-batch 40 %
 * of the writer's time went to COMMIT. A PASSIVE checkpoint takes no write lock, so it runs on another
 * connection beside the writer, on the second core (`what-if.ts sqlite-log-batch`: 134k → 181k points/s).
 *
 * The writer keeps a higher automatic threshold as a safety valve (a reader pinning an old snapshot can hold
 * the thread's checkpoints back) and goes back to the ordinary threshold if the thread ever fails.
 */

/** Plain CommonJS: the thread needs no TypeScript or bundle of its own. */
const THREAD_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
let pending = false;
parentPort.on('message', (message) => {
  if (message === 'stop') {
    // Writes have stopped (or the server is closing): give the WAL's disk space back. TRUNCATE takes the
    // writer lock for the moment it needs (the WAL is already copied back); without a busy wait it gives up
    // at once, leaving the WAL as it is, if a writer or a reader is busy.
    try {
      db.pragma('busy_timeout = 0');
      db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {}
    db.close();
    parentPort.close();
    return;
  }
  // Messages that queued while a checkpoint ran are one request: drain them into a single checkpoint.
  pending = true;
  setImmediate(() => {
    if (!pending) return;
    pending = false;
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch (err) {
      // Another process's connection is checkpointing the same file (--workers): the next commit asks again.
      if (!String(err && err.code).startsWith('SQLITE_BUSY')) throw err;
    }
  });
});
`;

/** How often, at most, a commit asks for a checkpoint: small commits in a stream share one. */
const MIN_INTERVAL_MS = 100;
/** An idle writer gives the thread (and its ~10 MB) back; the next commit starts another. */
const IDLE_STOP_MS = 60_000;

export class SqliteCheckpointer {
  private worker: Worker | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private lastAsked = Number.NEGATIVE_INFINITY;
  private failed = false;

  /** `onFailure` runs once if the thread dies: the caller turns SQLite's own checkpoints back on. */
  constructor(
    private readonly path: string,
    private readonly busyTimeoutMs: number,
    private readonly onFailure: (err: unknown) => void,
    private readonly idleStopMs = IDLE_STOP_MS,
  ) {}

  /** After a commit. */
  committed(): void {
    if (this.failed) return;
    const now = performance.now();
    if (now - this.lastAsked < MIN_INTERVAL_MS) return;
    this.lastAsked = now;
    (this.worker ?? this.start()).postMessage('checkpoint');
    this.idleTimer?.refresh();
  }

  /** Whether the thread is running (for tests). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  private start(): Worker {
    const worker = new Worker(THREAD_CODE, {
      eval: true,
      workerData: {
        path: this.path,
        busyTimeoutMs: Math.trunc(this.busyTimeoutMs),
        module: createRequire(import.meta.url).resolve('better-sqlite3'),
      },
    });
    // The thread never keeps the process alive: an idle server exits as before.
    worker.unref();
    const fail = (err: unknown) => {
      if (this.failed || this.worker !== worker) return;
      this.failed = true;
      this.stopIdleTimer();
      this.worker = undefined;
      this.onFailure(err);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (code !== 0) fail(new Error(`checkpoint thread exited with code ${code}`));
    });
    this.worker = worker;
    this.idleTimer = setTimeout(() => void this.stop(), this.idleStopMs);
    this.idleTimer.unref();
    return worker;
  }

  private stopIdleTimer(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  /** Stops the thread after the checkpoint it is running, if any. */
  private async stop(): Promise<void> {
    this.stopIdleTimer();
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    this.lastAsked = Number.NEGATIVE_INFINITY;
    await askToExit(worker, 'stop');
  }

  async close(): Promise<void> {
    this.failed = true;
    await this.stop();
  }
}
