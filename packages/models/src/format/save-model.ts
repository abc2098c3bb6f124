/**
 * Writing a js_function model directory: the module, its artifacts, MLmodel (with signature and input
 * example) — a directory Python's `Model.load` reads, and that mlflow-ts serves.
 */
import { copyFile, cp, mkdir, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { JS_FUNCTION } from '../flavors/js-function.ts';
import { saveInputExample } from './input-example.ts';
import { type MLmodel, newModelUuid, pythonUtcNow, writeMLmodel } from './mlmodel.ts';
import type { ModelSignature } from './signature.ts';

export const MLFLOW_VERSION_WRITTEN = '2.9.2';

export interface SaveModelOptions {
  /** Path of the ES module exporting load/predict; copied into the model directory as model.mjs. */
  module: string;
  /** name → local file or directory; copied under artifacts/. */
  artifacts?: Record<string, string>;
  signature?: ModelSignature;
  inputExample?: unknown;
  /** Rows are independent: the server may merge requests into one predict call. */
  batchable?: boolean;
  metadata?: Record<string, unknown>;
  runId?: string;
  artifactPath?: string;
}

async function dirSize(path: string): Promise<number> {
  const s = await stat(path);
  if (!s.isDirectory()) return s.size;
  let total = 0;
  for (const e of await readdir(path)) total += await dirSize(join(path, e));
  return total;
}

export async function saveJsFunctionModel(dir: string, options: SaveModelOptions): Promise<MLmodel> {
  await mkdir(dir, { recursive: true });
  await copyFile(options.module, join(dir, 'model.mjs'));
  const artifacts: Record<string, string> = {};
  for (const [name, src] of Object.entries(options.artifacts ?? {})) {
    const rel = `artifacts/${basename(src)}`;
    await mkdir(join(dir, 'artifacts'), { recursive: true });
    await cp(src, join(dir, rel), { recursive: true });
    artifacts[name] = rel;
  }
  const model: MLmodel = {
    flavors: {
      [JS_FUNCTION]: {
        module: 'model.mjs',
        artifacts,
        batchable: options.batchable ?? false,
        node_version: process.versions.node,
      },
    },
    mlflow_version: MLFLOW_VERSION_WRITTEN,
    model_uuid: newModelUuid(),
    utc_time_created: pythonUtcNow(),
  };
  if (options.runId) model.run_id = options.runId;
  if (options.artifactPath) model.artifact_path = options.artifactPath;
  if (options.signature) model.signature = options.signature;
  if (options.metadata) model.metadata = options.metadata;
  if (options.inputExample !== undefined) await saveInputExample(dir, model, options.inputExample);
  await writeMLmodel(dir, model);
  model.model_size_bytes = await dirSize(dir);
  await writeMLmodel(dir, model);
  return model;
}
