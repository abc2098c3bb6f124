/**
 * The `onnx` flavor through onnxruntime-node: reads what `mlflow.onnx.save_model` writes (`data`,
 * `onnx_session_options`, `providers`) and shapes outputs as MLflow's onnx pyfunc does: a frame in gives a
 * frame out with one column per graph output; a tensor or dict in gives {output name: array}.
 */
import { join } from 'node:path';
import type * as ort from 'onnxruntime-node';
import { ModelError } from '../errors.ts';
import type { FlavorConfig, MLmodel } from '../format/mlmodel.ts';
import type { Column, Frame, ModelInput, Tensor, TensorDict, TypedArray } from '../input/model-input.ts';
import type { LoadedModel, Prediction } from './loaded-model.ts';
import { buildFeeds, type OnnxInputInfo } from './onnx-tensors.ts';

export interface OnnxLoadOptions {
  /** Threads per inference call. The server defaults to 1: its parallelism comes from workers. */
  intraOpNumThreads?: number;
}

// MLflow stores onnxruntime's Python enum values (spec: onnx_session_options.graph_optimization_level).
const OPT_LEVEL: Record<number, ort.InferenceSession.SessionOptions['graphOptimizationLevel']> = {
  0: 'disabled',
  1: 'basic',
  2: 'extended',
  99: 'all',
};

function sessionOptions(conf: FlavorConfig, options: OnnxLoadOptions): ort.InferenceSession.SessionOptions {
  const so = (conf.onnx_session_options ?? {}) as Record<string, unknown>;
  const out: ort.InferenceSession.SessionOptions = {
    // onnxruntime-node ships CPU kernels only; CUDA and others listed in `providers` are skipped.
    executionProviders: ['cpu'],
  };
  const intra = (so.intra_op_num_threads as number | undefined) ?? options.intraOpNumThreads;
  if (intra) out.intraOpNumThreads = intra;
  if (typeof so.inter_op_num_threads === 'number') out.interOpNumThreads = so.inter_op_num_threads;
  if (typeof so.execution_mode === 'string') {
    out.executionMode = so.execution_mode.toLowerCase() === 'parallel' ? 'parallel' : 'sequential';
  }
  const level = OPT_LEVEL[so.graph_optimization_level as number];
  if (level) out.graphOptimizationLevel = level;
  const extra = so.extra_session_config as Record<string, string> | undefined;
  if (extra) out.extra = extra;
  return out;
}

function toNumbers(data: ort.Tensor['data']): TypedArray | unknown[] {
  // int64 comes back as BigInt64Array; JSON has only numbers, so convert once here. A plain loop:
  // Float64Array.from(data, Number) goes through the iterator protocol and was 5 % of a 1000-row request.
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    const out = new Float64Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
    return out;
  }
  return data as TypedArray | unknown[];
}

/** A graph output of shape (rows, ...) → a frame column: scalars for (rows) or (rows, 1), lists otherwise. */
function outputColumn(t: ort.Tensor, rows: number): Column {
  const data = toNumbers(t.data);
  const width = rows === 0 ? 0 : data.length / rows;
  if (width === 1) return data as Column;
  const col: unknown[] = new Array(rows);
  // Row lists copied with an indexed loop: Array.from(subarray) per row was a quarter of the CPU time of
  // a 1000-row request (profiled with --cpu-prof).
  for (let r = 0, at = 0; r < rows; r++) {
    const row: number[] = new Array(width);
    for (let k = 0; k < width; k++) row[k] = data[at++] as number;
    col[r] = row;
  }
  return col;
}

function outputTensor(t: ort.Tensor): Tensor {
  return { kind: 'tensor', dtype: t.type, dims: [...t.dims], data: toNumbers(t.data) };
}

export async function loadOnnxModel(
  dir: string,
  metadata: MLmodel,
  conf: FlavorConfig,
  options: OnnxLoadOptions = {},
): Promise<LoadedModel> {
  const file = join(dir, String(conf.data ?? 'model.onnx'));
  let session: ort.InferenceSession;
  let runtime: typeof ort;
  try {
    // Loaded on first use, not at import: processes that never score (the tracking server, whose CLI bundle
    // contains this module) would otherwise carry onnxruntime's ~15 MB.
    runtime = await import('onnxruntime-node');
    session = await runtime.InferenceSession.create(file, sessionOptions(conf, options));
  } catch (err) {
    throw new ModelError(
      'INVALID_PARAMETER_VALUE',
      `Could not load ONNX model ${file}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  const inputs: OnnxInputInfo[] = session.inputNames.map((name, i) => {
    const meta = session.inputMetadata[i] as { type?: string; shape?: (number | string)[] } | undefined;
    return { name, type: meta?.type ?? 'float32', shape: meta?.shape ?? [] };
  });
  const outputNames = [...session.outputNames];

  return {
    flavor: 'onnx',
    dir,
    metadata,
    batchable: true,
    async predict(input: ModelInput): Promise<Prediction> {
      const feeds = buildFeeds(runtime, inputs, input);
      let result: ort.InferenceSession.OnnxValueMapType;
      try {
        result = await session.run(feeds);
      } catch (err) {
        // The graph rejected the data (shape, type): the caller's input, so a 400 as MLflow gives.
        throw new ModelError(
          'BAD_REQUEST',
          'Encountered an unexpected error while evaluating the model. Verify that the serialized input ' +
            'Dataframe is compatible with the model for inference.',
          { cause: err, stackTrace: (err as Error).stack ?? String(err) },
        );
      }
      if (input.kind === 'frame') {
        const frame: Frame = { kind: 'frame', columns: outputNames, values: [], rows: input.rows };
        for (const name of outputNames)
          frame.values.push(outputColumn(result[name] as ort.Tensor, input.rows));
        return frame;
      }
      const dict: TensorDict = { kind: 'tensors', tensors: {} };
      for (const name of outputNames) dict.tensors[name] = outputTensor(result[name] as ort.Tensor);
      return dict;
    },
    async close() {
      await session.release();
    },
  };
}
