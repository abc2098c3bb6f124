/**
 * A model ready to score requests: its MLmodel (for the signature), and predictions through the
 * micro-batcher, run either on inference threads (the server) or in this thread (tests, the SDK).
 */
import { readTrainingProfile, type TrainingProfile } from '../drift/profile.ts';
import { type LoadOptions, loadModelFromDir } from '../flavors/load-model.ts';
import type { LoadedModel } from '../flavors/loaded-model.ts';
import { type MLmodel, readMLmodel } from '../format/mlmodel.ts';
import type { ModelInput, Params } from '../input/model-input.ts';
import { Batcher, type Executor } from './batcher.ts';
import { renderParts } from './render.ts';
import { WorkerPool } from './worker-pool.ts';

export interface ScorerOptions extends LoadOptions {
  /** Inference threads; 0 runs inference on the calling thread. */
  threads?: number;
  maxBatchRows?: number;
  maxWaitMs?: number;
  /** Label for metrics and the answering-version header. */
  version?: string;
  onBatch?: (rows: number, requests: number) => void;
}

export interface Scorer {
  readonly metadata: MLmodel;
  readonly flavor: string;
  readonly version: string;
  /** The model's training profile (training_profile.json), for drift monitoring; null without one. */
  readonly profile: TrainingProfile | null;
  /** The /invocations response body for one request (UTF-8 JSON); `unwrapped` for unified-LLM bodies. */
  score(input: ModelInput, params: Params | null, unwrapped?: boolean): Promise<Uint8Array>;
  close(): Promise<void>;
}

export async function createScorer(dir: string, options: ScorerOptions = {}): Promise<Scorer> {
  const threads = options.threads ?? 1;
  const metadata = await readMLmodel(dir);
  const profile = await readTrainingProfile(dir);
  let run: Executor;
  let close: () => Promise<void>;
  let flavor: string;
  let batchable: boolean;
  if (threads > 0) {
    const pool = await WorkerPool.start(dir, threads, { intraOpNumThreads: options.intraOpNumThreads ?? 1 });
    run = (input, params, parts) => pool.run(input, params, parts);
    close = () => pool.close();
    ({ flavor, batchable } = pool.info);
  } else {
    const model: LoadedModel = await loadModelFromDir(dir, options);
    run = async (input, params, parts) => renderParts(await model.predict(input, params), parts);
    close = () => model.close();
    ({ flavor, batchable } = model);
  }
  const batcher = new Batcher(run, {
    concurrency: Math.max(1, threads),
    maxBatchRows: options.maxBatchRows ?? 8192,
    maxWaitMs: options.maxWaitMs ?? 0,
    batchable,
    ...(options.onBatch ? { onBatch: options.onBatch } : {}),
  });
  return {
    metadata,
    flavor,
    version: options.version ?? metadata.model_uuid ?? 'default',
    profile,
    score: (input, params, unwrapped) => batcher.submit(input, params, unwrapped),
    close,
  };
}
