/**
 * A worker thread that loads one model and runs its predictions, so inference (onnxruntime's run is
 * synchronous on the calling thread) never blocks the HTTP event loop. Messages: see worker-pool.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { resultTransferables, type ScoreJob, scoreJob } from '../batch/score-job.ts';
import { ModelError } from '../errors.ts';
import { type LoadOptions, loadModelFromDir } from '../flavors/load-model.ts';
import type { LoadedModel } from '../flavors/loaded-model.ts';
import type { ModelInput, Params } from '../input/model-input.ts';
import { type Part, renderParts } from './render.ts';

export type WorkerRequest =
  | { id: number; op: 'score'; input: ModelInput; params: Params | null; parts: Part[] }
  | { id: number; op: 'chunk'; job: ScoreJob };

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
  // The input schema lets `models predict` check a parquet file's columns before reading rows.
  port.postMessage({
    type: 'ready',
    flavor: model.flavor,
    batchable: model.batchable,
    inputSchema: model.metadata.signature?.inputs ?? null,
  });
  port.on('message', async (msg: WorkerRequest | { type: 'close' }) => {
    if ('type' in msg) {
      await model.close();
      port.close();
      return;
    }
    try {
      if (msg.op === 'chunk') {
        const result = await scoreJob(model, msg.job);
        try {
          port.postMessage({ id: msg.id, result }, resultTransferables(result));
        } catch {
          // A buffer the runtime will not let go of (memory it owns) is cloned instead.
          port.postMessage({ id: msg.id, result });
        }
        return;
      }
      const prediction = await model.predict(msg.input, msg.params);
      const bodies = renderParts(prediction, msg.parts);
      const transfer = bodies.flatMap((b) => (b instanceof Uint8Array ? [b.buffer as ArrayBuffer] : []));
      port.postMessage(
        { id: msg.id, bodies: bodies.map((b) => (b instanceof Uint8Array ? b : serializeError(b))) },
        transfer,
      );
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
