/**
 * `loadModel(uri)` for the SDK: one `predict(data, params?)` whatever the flavor, taking plain JS data
 * (records, a {column: values} dict, nested lists, a Frame) and returning plain JS (records for tables,
 * nested lists for tensors). Local paths and file:// URIs are read in place; runs:/ and models:/ go
 * through a ModelUriResolver — by default the tracking server of `client` (else the SDK's current
 * tracking URI), downloading into the model cache (MLFLOW_TS_MODEL_CACHE, ~/.cache/mlflow-ts/models).
 */
import { getClient, type MlflowClient } from '@mlflow-ts/client/node';
import { type LoadOptions, loadModelFromDir } from './flavors/load-model.ts';
import type { LoadedModel } from './flavors/loaded-model.ts';
import type { MLmodel } from './format/mlmodel.ts';
import { enforceParams } from './input/enforce-params.ts';
import type { Frame, Params } from './input/model-input.ts';
import type { ParsedData } from './input/parse-request.ts';
import { prepareInput } from './input/prepare-input.ts';
import { type ModelUriResolver, parseModelUri } from './model-uri.ts';
import { predictionJson } from './output/format-predictions.ts';
import { defaultModelCacheDir } from './remote/model-cache.ts';
import { TrackingModelResolver } from './remote/tracking-resolver.ts';

export interface LoadModelOptions extends LoadOptions {
  resolver?: ModelUriResolver;
  /** The tracking server for runs:/ and models:/ (default: the SDK's current client). */
  client?: MlflowClient;
  /** Where downloaded models are kept (default MLFLOW_TS_MODEL_CACHE or ~/.cache/mlflow-ts/models). */
  cacheDir?: string;
}

async function modelDirOf(uri: string, options: LoadModelOptions): Promise<string> {
  if (options.resolver) return options.resolver.resolve(uri);
  const parsed = parseModelUri(uri);
  if (parsed.scheme === 'local') return parsed.path;
  const cacheDir = options.cacheDir ?? defaultModelCacheDir(process.env);
  return new TrackingModelResolver(options.client ?? getClient(), cacheDir).resolve(uri);
}

export interface PyfuncLike {
  readonly metadata: MLmodel;
  readonly flavor: string;
  predict(data: unknown, params?: Params): Promise<unknown>;
  close(): Promise<void>;
}

function toParsed(data: unknown): ParsedData {
  if (typeof data === 'object' && data !== null && (data as { kind?: unknown }).kind === 'frame') {
    const f = data as Frame;
    return {
      kind: 'columnar',
      columns: Object.fromEntries(f.columns.map((c, i) => [c, Array.from(f.values[i]!)])),
    };
  }
  if (Array.isArray(data)) {
    if (data.length > 0 && data.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r))) {
      return { kind: 'records', records: data as Record<string, unknown>[] };
    }
    return { kind: 'nested', value: data };
  }
  if (typeof data === 'object' && data !== null)
    return { kind: 'columnar', columns: data as Record<string, unknown> };
  return { kind: 'raw', value: data };
}

export async function loadModel(uri: string, options: LoadModelOptions = {}): Promise<PyfuncLike> {
  const dir = await modelDirOf(uri, options);
  const model: LoadedModel = await loadModelFromDir(dir, options);
  const sig = model.metadata.signature;
  return {
    metadata: model.metadata,
    flavor: model.flavor,
    async predict(data, params) {
      // As in serving, a {column: values} dict is a table under a column schema, else a dict of tensors.
      const input = prepareInput(toParsed(data), sig?.inputs ?? null);
      const prediction = await model.predict(input, enforceParams(params ?? null, sig?.params ?? null));
      // The same JSON the scoring server answers, parsed: one definition of the output shape.
      return JSON.parse(predictionJson(prediction).replace(/\bNaN\b|-?\bInfinity\b/g, 'null'));
    },
    close: () => model.close(),
  };
}
