/**
 * The `js_function` flavor, mlflow-ts's analogue of a custom pyfunc: the model directory holds an ES
 * module exporting `load(context)` (optional) and `predict(context, input, params)`, plus artifacts.
 *
 *   flavors:
 *     js_function:
 *       module: model.mjs            # relative to the model directory
 *       artifacts: {weights: artifacts/weights.json}
 *       batchable: true              # rows are independent: the server may merge requests
 *
 * `context` = {modelDir, artifacts (name → absolute path), metadata, state}; `state` is what `load`
 * returned. `predict` may return an array (one value per row), a typed array, a Frame or Tensor object
 * (see model-input.ts), or any JSON value.
 */
import { isAbsolute, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { invalidParameter, ModelError } from '../errors.ts';
import type { FlavorConfig, MLmodel } from '../format/mlmodel.ts';
import type { ModelInput, Params } from '../input/model-input.ts';
import type { LoadedModel, Prediction } from './loaded-model.ts';

export const JS_FUNCTION = 'js_function';

export interface JsModelContext {
  modelDir: string;
  artifacts: Record<string, string>;
  metadata: MLmodel;
  state: unknown;
}

interface JsModelModule {
  load?: (context: JsModelContext) => unknown;
  predict: (context: JsModelContext, input: ModelInput, params: Params | null) => unknown;
}

function inside(dir: string, rel: string, what: string): string {
  const abs = join(dir, rel);
  const r = relative(dir, abs);
  if (isAbsolute(rel) || r.startsWith('..'))
    throw invalidParameter(`${what} '${rel}' must be inside the model directory`);
  return abs;
}

export function toPrediction(out: unknown): Prediction {
  if (typeof out === 'object' && out !== null && !Array.isArray(out) && !ArrayBuffer.isView(out)) {
    const kind = (out as { kind?: unknown }).kind;
    if (kind === 'frame' || kind === 'tensor' || kind === 'tensors') return out as Prediction;
  }
  if (ArrayBuffer.isView(out) && !(out instanceof DataView)) {
    const data = out as unknown as Float64Array;
    return { kind: 'tensor', dtype: 'float64', dims: [data.length], data };
  }
  return { kind: 'raw', value: out };
}

export async function loadJsFunctionModel(
  dir: string,
  metadata: MLmodel,
  conf: FlavorConfig,
): Promise<LoadedModel> {
  if (typeof conf.module !== 'string')
    throw invalidParameter(`js_function flavor needs 'module' (a .mjs/.js file)`);
  const file = inside(dir, conf.module, 'module');
  const artifacts: Record<string, string> = {};
  for (const [name, rel] of Object.entries((conf.artifacts ?? {}) as Record<string, unknown>)) {
    const path = typeof rel === 'object' && rel !== null ? (rel as { path?: unknown }).path : rel;
    artifacts[name] = inside(dir, String(path), `artifact ${name}`);
  }
  let mod: JsModelModule;
  try {
    mod = (await import(pathToFileURL(file).href)) as JsModelModule;
  } catch (err) {
    throw invalidParameter(`Could not import the model module ${file}: ${(err as Error).message}`);
  }
  if (typeof mod.predict !== 'function')
    throw invalidParameter(`${file} does not export predict(context, input, params)`);
  const context: JsModelContext = { modelDir: dir, artifacts, metadata, state: undefined };
  if (typeof mod.load === 'function') context.state = await mod.load(context);

  return {
    flavor: JS_FUNCTION,
    dir,
    metadata,
    batchable: conf.batchable === true,
    async predict(input: ModelInput, params: Params | null): Promise<Prediction> {
      try {
        return toPrediction(await mod.predict(context, input, params));
      } catch (err) {
        if (err instanceof ModelError) throw err;
        // The model's own code failed: MLflow answers 400 with the stack trace (spec §6.4).
        throw new ModelError(
          'BAD_REQUEST',
          `Encountered an unexpected error while evaluating the model: ${(err as Error)?.message ?? String(err)}`,
          { cause: err, stackTrace: (err as Error)?.stack ?? String(err) },
        );
      }
    },
    async close() {},
  };
}
