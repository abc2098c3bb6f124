/**
 * The universal loader: reads MLmodel and picks the flavor mlflow-ts can run (js_function, then onnx,
 * including an onnx model described only by python_function's `loader_module: mlflow.onnx`). A model
 * whose flavors all need Python gets an error listing them.
 */
import { invalidParameter } from '../errors.ts';
import { type MLmodel, readMLmodel } from '../format/mlmodel.ts';
import { JS_FUNCTION, loadJsFunctionModel } from './js-function.ts';
import type { LoadedModel } from './loaded-model.ts';
import { loadOnnxModel, type OnnxLoadOptions } from './onnx.ts';

export const RUNNABLE_FLAVORS = [JS_FUNCTION, 'onnx'] as const;

export type LoadOptions = OnnxLoadOptions;

export async function loadModelFromDir(dir: string, options: LoadOptions = {}): Promise<LoadedModel> {
  const metadata = await readMLmodel(dir);
  const { flavors } = metadata;
  if (flavors[JS_FUNCTION]) return loadJsFunctionModel(dir, metadata, flavors[JS_FUNCTION]);
  if (flavors.onnx) return loadOnnxModel(dir, metadata, flavors.onnx, options);
  const pyfunc = flavors.python_function;
  if (pyfunc?.loader_module === 'mlflow.onnx' && typeof pyfunc.data === 'string') {
    return loadOnnxModel(dir, metadata, { data: pyfunc.data }, options);
  }
  throw invalidParameter(pythonOnlyMessage(dir, metadata));
}

export function pythonOnlyMessage(dir: string, metadata: MLmodel): string {
  const listed = Object.entries(metadata.flavors).map(([name, conf]) =>
    name === 'python_function' && conf.loader_module
      ? `${name} (loader_module ${String(conf.loader_module)})`
      : name,
  );
  return (
    `The model at ${dir} has no flavor mlflow-ts can run: it has [${listed.join(', ')}], which need Python. ` +
    `mlflow-ts runs the ${RUNNABLE_FLAVORS.join(' and ')} flavors. Serve this model with Python MLflow ` +
    '(`mlflow models serve`), or log it in ONNX form (e.g. mlflow.onnx.log_model after converting it with ' +
    'skl2onnx) or as a js_function model.'
  );
}
