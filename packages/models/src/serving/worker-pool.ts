/**
 * N inference threads, each with its own copy of the model. A call goes to the thread with the fewest
 * calls pending; the Batcher in front keeps at most N in flight, so serving never queues on a thread.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type ChunkResult, jobTransferables, type ScoreJob } from '../batch/score-job.ts';
import { ModelError, type ModelErrorCode } from '../errors.ts';
import type { LoadOptions } from '../flavors/load-model.ts';
import type { Schema } from '../format/signature.ts';
import type { ModelInput, Params } from '../input/model-input.ts';
import type { WorkerError, WorkerRequest } from './inference-worker.ts';
import type { Part } from './render.ts';
import { transferables } from './transfer.ts';

/**
 * The bundled CLI ships dist/inference-worker.mjs next to dist/cli.mjs. From sources the worker is
 * TypeScript: it registers tsx first (a worker does not reliably inherit the parent's loader hooks
 * on Node 20), then imports the .ts entry.
 */
function spawnWorker(workerData: unknown): Worker {
  const bundled = new URL('./inference-worker.mjs', import.meta.url);
  if (existsSync(fileURLToPath(bundled))) return new Worker(bundled, { workerData });
  const source = new URL('./inference-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(code, { eval: true, workerData });
}

type ScoreResult = (Uint8Array | Error)[];

interface Slot {
  worker: Worker;
  /** Calls sent and not answered yet. */
  pending: number;
}

export interface PoolInfo {
  flavor: string;
  batchable: boolean;
  /** The model signature's inputs (null without a signature). */
  inputSchema: Schema | null;
}

export class WorkerPool {
  private nextId = 1;
  // A call resolves with response bodies (score) or a ChunkResult (chunk).
  private readonly calls = new Map<
    number,
    { resolve: (v: ScoreResult | ChunkResult) => void; reject: (e: unknown) => void; slot: Slot }
  >();

  private constructor(
    private readonly slots: Slot[],
    readonly info: PoolInfo,
  ) {
    for (const slot of slots) {
      slot.worker.on(
        'message',
        (msg: {
          id: number;
          bodies?: (Uint8Array | WorkerError)[];
          result?: ChunkResult;
          error?: WorkerError;
        }) => {
          const call = this.calls.get(msg.id);
          if (!call) return;
          this.calls.delete(msg.id);
          call.slot.pending--;
          if (msg.error) call.reject(toModelError(msg.error));
          else if (msg.bodies)
            call.resolve(msg.bodies.map((b) => (b instanceof Uint8Array ? b : toModelError(b))));
          else call.resolve(msg.result!);
        },
      );
      slot.worker.on('error', (err) => {
        for (const [id, call] of this.calls) {
          if (call.slot !== slot) continue;
          this.calls.delete(id);
          call.reject(new ModelError('INTERNAL_ERROR', `Inference thread failed: ${err.message}`));
        }
      });
    }
  }

  static async start(dir: string, threads: number, options: LoadOptions = {}): Promise<WorkerPool> {
    const slots: Slot[] = [];
    const infos: PoolInfo[] = [];
    try {
      for (let i = 0; i < threads; i++) {
        const worker = spawnWorker({ dir, options });
        slots.push({ worker, pending: 0 });
        infos.push(await ready(worker));
      }
    } catch (err) {
      await Promise.all(slots.map((s) => s.worker.terminate()));
      throw err;
    }
    return new WorkerPool(slots, infos[0]!);
  }

  get size(): number {
    return this.slots.length;
  }

  /** Scores on a thread; the thread answers with each part's response body (see render.ts). */
  run(input: ModelInput, params: Params | null, parts: Part[]): Promise<ScoreResult> {
    return this.send({ id: 0, op: 'score', input, params, parts }, transferables(input));
  }

  /** Batch prediction of a chunk on a thread (parse or convert, predict and format there). */
  runChunk(job: ScoreJob): Promise<ChunkResult> {
    return this.send({ id: 0, op: 'chunk', job }, jobTransferables(job));
  }

  private send<T>(request: WorkerRequest, transfer: ArrayBuffer[]): Promise<T> {
    let slot = this.slots[0]!;
    for (const s of this.slots) if (s.pending < slot.pending) slot = s;
    slot.pending++;
    request.id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.calls.set(request.id, {
        resolve: resolve as (v: ScoreResult | ChunkResult) => void,
        reject,
        slot,
      });
      slot.worker.postMessage(request, transfer);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

function ready(worker: Worker): Promise<PoolInfo> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: {
      type?: string;
      flavor?: string;
      batchable?: boolean;
      inputSchema?: Schema | null;
      error?: WorkerError;
    }) => {
      if (msg.type === 'ready') {
        cleanup();
        resolve({ flavor: msg.flavor!, batchable: msg.batchable!, inputSchema: msg.inputSchema ?? null });
      } else if (msg.type === 'failed') {
        cleanup();
        reject(toModelError(msg.error!));
      }
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`inference thread exited with code ${code} while loading the model`));
    };
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

function toModelError(e: WorkerError): ModelError {
  return new ModelError(
    e.code as ModelErrorCode,
    e.message,
    e.stackTrace === undefined ? {} : { stackTrace: e.stackTrace },
  );
}
