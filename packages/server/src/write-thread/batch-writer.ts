/**
 * log-batch on a thread of its own, for a server on a SQLite file. A 1,000-metric log-batch costs the server
 * ~5 ms, ~85 % of it SQLite inserting rows into four B-trees and committing; on one thread that work and the
 * request handling (HTTP, JSON, checks) take turns. Here the main thread decodes and checks each batch and
 * hands it, packed by column, to a thread whose own writer connection and group commit run it, while the main
 * thread goes on reading the next requests. Small batches (MIN_THREAD_ITEMS) and every other write stay on
 * the main thread's writer; the two
 * take turns through a lock in shared memory (write-lock.ts). A batch is acknowledged once committed, as on
 * the main thread.
 *
 * The thread starts on the first large batch (that batch and any sent while it starts run on the main thread) and
 * stops after a minute without batches, so an idle server holds no thread memory.
 */
import type { Worker } from 'node:worker_threads';
import type { KeyValue } from '@mlflow-ts/protocol';
import type { MetricInput } from '../store/tracking-store.ts';
import { askToExit, spawnWorker } from '../threads/spawn-worker.ts';
import { fromWireError } from '../threads/wire-error.ts';
import type { FromWriteWorker, LogBatchMessage, WriteWorkerData } from './messages.ts';
import { packedBuffers, packMetrics } from './packed-metrics.ts';
import { WriteLock } from './write-lock.ts';

export interface BatchWriterOptions extends Omit<WriteWorkerData, 'lock'> {
  /** The thread stops after this long without a batch (default 60 s). */
  idleMs?: number;
}

/**
 * Batches with fewer metrics, params and tags than this are written by the main thread. Handing a batch over
 * and back costs tens of µs whatever its size, and a point's database work ~4.5 µs: a one-metric log-metric
 * through the thread went from 11–20k to ~9.6k requests/s at 8 connections, where 1,000-metric batches gain
 * ~17 %.
 */
export const MIN_THREAD_ITEMS = 100;

/** After the thread dies, batches stay on the main thread this long before another thread is tried. */
const RESTART_AFTER_MS = 10_000;

export type Batch = { metrics: MetricInput[]; params: KeyValue[]; tags: KeyValue[] };

interface Call {
  resolve(): void;
  reject(err: unknown): void;
}

export class BatchWriter {
  private worker: Worker | undefined;
  private ready = false;
  private readonly calls = new Map<number, Call>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** When the last thread died (0: never). */
  private failedAt = 0;
  private readonly lockMemory = WriteLock.memory();
  /**
   * The write lock as the main thread's party: the main thread's dialect takes it around its transactions,
   * and this writer releases it for a thread that died holding it.
   */
  readonly mainLock = new WriteLock(this.lockMemory, WriteLock.MAIN);

  constructor(private readonly options: BatchWriterOptions) {}

  /** Whether the thread is up (for tests and diagnostics). */
  get threadReady(): boolean {
    return this.ready;
  }

  /** Runs the batch on the thread, or with `inProcess` when small (MIN_THREAD_ITEMS) or while it starts. */
  logBatch(runId: string, batch: Batch, inProcess: () => Promise<void>): Promise<void> {
    if (this.closed) return inProcess();
    if (batch.metrics.length + batch.params.length + batch.tags.length < MIN_THREAD_ITEMS) return inProcess();
    if (!this.worker) {
      // A thread that cannot start (its connection cannot open, say) is not spawned again for every batch.
      if (this.failedAt > 0 && Date.now() - this.failedAt < RESTART_AFTER_MS) return inProcess();
      this.start();
    }
    const worker = this.worker;
    if (!this.ready || !worker) return inProcess();
    clearTimeout(this.idleTimer);
    const id = this.nextId++;
    const metrics = packMetrics(batch.metrics);
    return new Promise<void>((resolve, reject) => {
      // A thread with batches in flight keeps the process alive, an idle one does not.
      if (this.calls.size === 0) worker.ref();
      this.calls.set(id, { resolve, reject });
      const message: LogBatchMessage = { id, runId, metrics, params: batch.params, tags: batch.tags };
      worker.postMessage(message, packedBuffers(metrics));
    });
  }

  private start(): void {
    const { idleMs: _idle, ...data } = this.options;
    const worker = spawnWorker(
      new URL('./write-worker.mjs', import.meta.url),
      new URL('./write-worker.ts', import.meta.url),
      { ...data, lock: this.lockMemory } satisfies WriteWorkerData,
    );
    this.worker = worker;
    worker.on('message', (msg: FromWriteWorker) => this.onMessage(msg));
    worker.on('error', (err) => this.fail(worker, err));
    worker.on('exit', () => this.fail(worker, new Error('The log-batch write thread stopped.')));
    worker.unref();
  }

  private onMessage(msg: FromWriteWorker): void {
    if (msg.type === 'ready') {
      this.ready = true;
      // The batches that started it may all have gone to the main thread: idle from now on until one comes.
      if (this.calls.size === 0) this.armIdleStop();
      return;
    }
    const call = this.calls.get(msg.id);
    if (!call) return;
    this.finish(msg.id);
    if (msg.type === 'done') call.resolve();
    else call.reject(fromWireError(msg.error));
  }

  private finish(id: number): void {
    this.calls.delete(id);
    if (this.calls.size > 0) return;
    this.worker?.unref();
    this.armIdleStop();
  }

  private armIdleStop(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.stopThread(), this.options.idleMs ?? 60_000);
    this.idleTimer.unref();
  }

  /**
   * The thread died: its batches fail (whether they committed is unknown: 500), a lock it held is released,
   * and the first batch after RESTART_AFTER_MS starts another.
   */
  private fail(worker: Worker, err: unknown): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.ready = false;
    this.failedAt = Date.now();
    this.mainLock.releaseFor(WriteLock.THREAD);
    process.emitWarning(
      `The log-batch write thread stopped (${err instanceof Error ? err.message : String(err)}); batches are written by the main thread for ${RESTART_AFTER_MS / 1000} s.`,
    );
    for (const [id, call] of this.calls) {
      this.calls.delete(id);
      call.reject(err);
    }
    void worker.terminate();
  }

  /** Asks the thread to close its connection (its checkpointer gives the WAL's space back) and waits. */
  private async stopThread(): Promise<void> {
    const worker = this.worker;
    if (!worker || this.calls.size > 0) return;
    this.worker = undefined;
    this.ready = false;
    // No batch is in flight, so the thread holds no transaction, nor the lock.
    await askToExit(worker, 'close');
  }

  /** Batches in flight finish first (the HTTP server has stopped taking requests by then). */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    while (this.calls.size > 0 && this.worker) await new Promise((resolve) => setTimeout(resolve, 5));
    await this.stopThread();
  }
}
