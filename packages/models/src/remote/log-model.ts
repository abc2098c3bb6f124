/**
 * `logModel` for the SDK (spec §14.3): save the model into a temporary folder, upload it below the run's
 * artifacts, record it with `runs/log-model` (the MLmodel as Python's `model_json`) and, when asked,
 * register it. The client package knows nothing of models; this is where the two meet.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MlflowClient, ModelVersion } from '@mlflow-ts/client/node';
import { buildTrainingProfile, type TrainingData, writeTrainingProfile } from '../drift/profile.ts';
import { saveInputExample } from '../format/input-example.ts';
import {
  type MLmodel,
  mlmodelToLogModelJson,
  pythonUtcNow,
  readMLmodel,
  writeMLmodel,
} from '../format/mlmodel.ts';
import { type SaveModelOptions, saveJsFunctionModel } from '../format/save-model.ts';
import type { ModelSignature } from '../format/signature.ts';

/** A run to log into: an ActiveRun from startRun(), or any {client, runId}. */
export interface RunTarget {
  readonly client: MlflowClient;
  readonly runId: string;
}

export interface LogModelOptions {
  /** Where below the run's artifacts (default `model`). */
  artifactPath?: string;
  /** A js_function model to write (module, artifacts, signature, input example…). */
  jsFunction?: Omit<SaveModelOptions, 'runId' | 'artifactPath'>;
  /** Or an existing model directory (e.g. an ONNX model), copied as it is. */
  modelDir?: string;
  /** For modelDir: a signature / input example to add (or replace) before logging. */
  signature?: ModelSignature;
  inputExample?: unknown;
  /** Register the logged model under this name (created if absent) and return the new version. */
  registeredModelName?: string;
  /**
   * Training data to profile (per numeric feature: quantiles, decile histogram), written as
   * training_profile.json so `models serve` can watch for drift. Only the profile is uploaded.
   */
  trainingData?: TrainingData;
  /** Called with the saved directory before upload. */
  beforeUpload?: (dir: string, model: MLmodel) => Promise<void>;
}

export interface LoggedModel {
  /** `runs:/<run_id>/<artifact_path>`. */
  modelUri: string;
  mlmodel: MLmodel;
  modelVersion?: ModelVersion;
}

async function saveInto(dir: string, runId: string, artifactPath: string, options: LogModelOptions) {
  if (options.jsFunction && options.modelDir)
    throw new Error('logModel: give jsFunction or modelDir, not both');
  if (options.jsFunction) return saveJsFunctionModel(dir, { ...options.jsFunction, runId, artifactPath });
  if (!options.modelDir) throw new Error('logModel needs jsFunction or modelDir');
  await cp(options.modelDir, dir, { recursive: true });
  const model = await readMLmodel(dir);
  model.run_id = runId;
  model.artifact_path = artifactPath;
  model.utc_time_created = pythonUtcNow();
  if (options.signature) model.signature = options.signature;
  if (options.inputExample !== undefined) await saveInputExample(dir, model, options.inputExample);
  await writeMLmodel(dir, model);
  return model;
}

export async function logModel(run: RunTarget, options: LogModelOptions): Promise<LoggedModel> {
  const artifactPath = (options.artifactPath ?? 'model').replace(/^\/+|\/+$/g, '');
  if (!artifactPath) throw new Error('logModel: artifactPath must not be empty');
  const { client, runId } = run;
  const staging = await mkdtemp(join(tmpdir(), 'mlflow-ts-log-model-'));
  try {
    const dir = join(staging, 'model');
    const model = await saveInto(dir, runId, artifactPath, options);
    if (options.trainingData) await writeTrainingProfile(dir, buildTrainingProfile(options.trainingData));
    if (options.beforeUpload) {
      await options.beforeUpload(dir, model);
      await writeMLmodel(dir, model);
    }
    await client.logArtifacts(runId, dir, artifactPath);
    await client.rest.call('logModel', { run_id: runId, model_json: mlmodelToLogModelJson(model) });
    const modelUri = `runs:/${runId}/${artifactPath}`;
    if (!options.registeredModelName) return { modelUri, mlmodel: model };
    const modelVersion = await client.registerModel(modelUri, options.registeredModelName);
    return { modelUri, mlmodel: model, modelVersion };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
