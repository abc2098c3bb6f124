/**
 * Read threads for a SQLite server. One Node thread serves every request; a search or a long metric
 * history keeps it busy for milliseconds, during which other clients wait. The RPCs of POOLED_RPCS run
 * instead on threads with their own read-only connections (SQLite's WAL lets them read while the main
 * connection writes), and come back as finished JSON text, so the main thread only parses requests and
 * moves bytes. Writes stay on the main thread's single writer and its group commit.
 *
 * Threads start on the first pooled call (that call and any made while they start are answered on the
 * main thread) and stop after a minute without calls, so an idle server holds no thread memory.
 */
import { Readable } from 'node:stream';
import type { Worker } from 'node:worker_threads';
import { MlflowError } from '../core/mlflow-error.ts';
import { JsonText, type StreamedJson } from '../services/json-body.ts';
import { spawnWorker } from '../threads/spawn-worker.ts';
import { fromWireError } from '../threads/wire-error.ts';
import type { FromWorker, PooledRpc, ReadWorkerData, ToWorker } from './messages.ts';

export interface ReadPoolOptions extends ReadWorkerData {
  threads: number;
  /** Threads stop after this long without a call (default 60 s). */
  idleMs?: number;
}

type PooledResult = JsonText | StreamedJson;

interface Slot {
  worker: Worker;
  ready: boolean;
  /** Calls sent and not finished. */
  pending: number;
}

interface Call {
  slot: Slot;
  resolve(result: PooledResult): void;
  reject(err: unknown): void;
  stream?: Readable;
  /** The thread waits for a `more` before it sends the next chunk. */
  owed?: boolean;
}

/** The bundle ships dist/read-worker.mjs next to dist/cli.mjs; from sources the thread runs TypeScript. */
function spawnReadWorker(workerData: ReadWorkerData): Worker {
  return spawnWorker(
    new URL('./read-worker.mjs', import.meta.url),
    new URL('./read-worker.ts', import.meta.url),
    workerData,
  );
}

export class ReadPool {
  private slots: Slot[] = [];
  private readonly calls = new Map<number, Call>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: ReadPoolOptions) {}

  /** Whether threads are up (for tests and diagnostics). */
  get readyThreads(): number {
    return this.slots.filter((s) => s.ready).length;
  }

  /** Answers `rpc` on a read thread, or with `inProcess` while the threads are starting. */
  call(rpc: PooledRpc, request: unknown, inProcess: () => Promise<object> | object): Promise<object> {
    const slot = this.pick();
    if (!slot) return Promise.resolve().then(inProcess);
    clearTimeout(this.idleTimer);
    const id = this.nextId++;
    return new Promise<PooledResult>((resolve, reject) => {
      this.calls.set(id, { slot, resolve, reject });
      // A thread with calls in flight keeps the process alive, an idle one does not.
      if (slot.pending++ === 0) slot.worker.ref();
      slot.worker.postMessage({ type: 'call', id, rpc, request } satisfies ToWorker);
    });
  }

  /** Starts the threads the first time; the least busy ready thread, if any is ready. */
  private pick(): Slot | undefined {
    if (this.closed || this.options.threads <= 0) return undefined;
    if (this.slots.length === 0) this.start();
    let best: Slot | undefined;
    for (const slot of this.slots) {
      if (slot.ready && (!best || slot.pending < best.pending)) best = slot;
    }
    return best;
  }

  private start(): void {
    const { threads, idleMs: _idle, ...data } = this.options;
    for (let i = 0; i < threads; i++) {
      const slot: Slot = { worker: spawnReadWorker(data), ready: false, pending: 0 };
      slot.worker.on('message', (msg: FromWorker) => this.onMessage(slot, msg));
      slot.worker.on('error', (err) => this.fail(slot, err));
      slot.worker.on('exit', () => this.fail(slot, new Error('A read thread stopped.')));
      // Idle threads must not keep a stopping server alive (a call in flight refs its thread).
      slot.worker.unref();
      this.slots.push(slot);
    }
  }

  private onMessage(slot: Slot, msg: FromWorker): void {
    if (msg.type === 'ready') {
      slot.ready = true;
      return;
    }
    const call = this.calls.get(msg.id);
    if (!call) return;
    switch (msg.type) {
      case 'body':
        this.finish(msg.id, call);
        call.resolve(new JsonText(msg.bytes));
        break;
      case 'chunk':
        call.owed = true;
        if (!call.stream) {
          call.stream = this.streamOf(msg.id, call);
          call.resolve({ stream: call.stream });
        }
        call.stream.push(
          typeof msg.text === 'string'
            ? msg.text
            : Buffer.from(msg.text.buffer, msg.text.byteOffset, msg.text.byteLength),
        );
        break;
      case 'end':
        this.finish(msg.id, call);
        call.stream?.push(null);
        break;
      case 'error': {
        this.finish(msg.id, call);
        const err = fromWireError(msg.error);
        if (call.stream) call.stream.destroy(err);
        else call.reject(err);
        break;
      }
    }
  }

  /** The response stream of a call answered in chunks: each read asks the thread for the next one. */
  private streamOf(id: number, call: Call): Readable {
    const post = (msg: ToWorker) => call.slot.worker.postMessage(msg);
    return new Readable({
      read: () => {
        if (call.owed && this.calls.has(id)) {
          call.owed = false;
          post({ type: 'more', id });
        }
      },
      destroy: (err, callback) => {
        // The client went away before the end: the thread stops reading.
        if (this.calls.has(id)) {
          this.finish(id, call);
          post({ type: 'cancel', id });
        }
        callback(err);
      },
    });
  }

  private finish(id: number, call: Call): void {
    this.calls.delete(id);
    if (--call.slot.pending === 0) call.slot.worker.unref();
    if (this.calls.size === 0) {
      clearTimeout(this.idleTimer);
      this.idleTimer = setTimeout(() => void this.stopThreads(), this.options.idleMs ?? 60_000);
      this.idleTimer.unref();
    }
  }

  /** A thread died: its calls fail (500), and the pool starts afresh on the next call. */
  private fail(slot: Slot, err: unknown): void {
    if (!this.slots.includes(slot)) return;
    this.slots = this.slots.filter((s) => s !== slot);
    for (const [id, call] of this.calls) {
      if (call.slot !== slot) continue;
      this.calls.delete(id);
      if (call.stream) call.stream.destroy(err as Error);
      else call.reject(err);
    }
    void slot.worker.terminate();
  }

  private async stopThreads(): Promise<void> {
    if (this.calls.size > 0) return;
    const slots = this.slots;
    this.slots = [];
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    const slots = this.slots;
    this.slots = [];
    for (const [id, call] of this.calls) {
      this.calls.delete(id);
      const err = new MlflowError('TEMPORARILY_UNAVAILABLE', 'The server is stopping.');
      if (call.stream) call.stream.destroy(err);
      else call.reject(err);
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
