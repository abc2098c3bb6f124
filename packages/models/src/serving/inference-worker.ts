/**
 * A worker thread that loads one model and runs its predictions, so inference (onnxruntime's run is
 * synchronous on the calling thread) never blocks the HTTP event loop. Messages: see worker-pool.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type ChunkJob, scoreChunk } from '../batch/score-chunk.ts';
import { ModelError } from '../errors.ts';
import { type LoadOptions, loadModelFromDir } from '../flavors/load-model.ts';
import type { LoadedModel } from '../flavors/loaded-model.ts';
import type { ModelInput, Params } from '../input/model-input.ts';
import { transferables } from './transfer.ts';

export type WorkerRequest =
  | { id: number; op: 'predict'; input: ModelInput; params: Params | null }
  | { id: number; op: 'chunk'; job: ChunkJob };

export interface WorkerError {
  code: string;
  message: string;
  stackTrace?: string;
}

async function main() {
  const port = parentPort;
  if (!port) return;
  const { dir, options } = workerData as { dir: string; options: LoadOptions };
  let model: LoadedModel;
  try {
    model = await loadModelFromDir(dir, options);
  } catch (err) {
    port.postMessage({ type: 'failed', error: serializeError(err) });
    return;
  }
  port.postMessage({ type: 'ready', flavor: model.flavor, batchable: model.batchable });
  port.on('message', async (msg: WorkerRequest | { type: 'close' }) => {
    if ('type' in msg) {
      await model.close();
      port.close();
      return;
    }
    try {
      if (msg.op === 'chunk') {
        port.postMessage({ id: msg.id, result: await scoreChunk(model, msg.job) });
        return;
      }
      const prediction = await model.predict(msg.input, msg.params);
      port.postMessage({ id: msg.id, prediction }, transferables(prediction));
    } catch (err) {
      port.postMessage({ id: msg.id, error: serializeError(err) });
    }
  });
}

function serializeError(err: unknown): WorkerError {
  if (err instanceof ModelError) {
    return err.stackTrace === undefined
      ? { code: err.code, message: err.message }
      : { code: err.code, message: err.message, stackTrace: err.stackTrace };
  }
  const e = err as Error;
  return { code: 'BAD_REQUEST', message: e?.message ?? String(err), stackTrace: e?.stack ?? String(err) };
}

await main();
