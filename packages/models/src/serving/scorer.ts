/**
 * A model ready to score requests: its MLmodel (for the signature), and predictions through the
 * micro-batcher, run either on inference threads (the server) or in this thread (tests, the SDK).
 */
import { type LoadOptions, loadModelFromDir } from '../flavors/load-model.ts';
import type { LoadedModel, Prediction } from '../flavors/loaded-model.ts';
import { type MLmodel, readMLmodel } from '../format/mlmodel.ts';
import type { ModelInput, Params } from '../input/model-input.ts';
import { Batcher } from './batcher.ts';
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
  score(input: ModelInput, params: Params | null): Promise<Prediction>;
  close(): Promise<void>;
}

export async function createScorer(dir: string, options: ScorerOptions = {}): Promise<Scorer> {
  const threads = options.threads ?? 1;
  const metadata = await readMLmodel(dir);
  let run: (input: ModelInput, params: Params | null) => Promise<Prediction>;
  let close: () => Promise<void>;
  let flavor: string;
  let batchable: boolean;
  if (threads > 0) {
    const pool = await WorkerPool.start(dir, threads, { intraOpNumThreads: options.intraOpNumThreads ?? 1 });
    run = (input, params) => pool.run(input, params);
    close = () => pool.close();
    ({ flavor, batchable } = pool.info);
  } else {
    const model: LoadedModel = await loadModelFromDir(dir, options);
    run = (input, params) => model.predict(input, params);
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
    score: (input, params) => batcher.submit(input, params),
    close,
  };
}
