/**
 * The MLmodel manifest (spec §5.2): read what Python wrote, keep unknown keys, write what Python's
 * `Model.load` reads back. Signature fields stay JSON *strings* on disk; `signature` here is parsed.
 */
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { invalidParameter, ModelError } from '../errors.ts';
import { dumpPythonYaml, loadYaml } from './python-yaml.ts';
import { type ModelSignature, parseSignature, signatureToMLmodel } from './signature.ts';

export const MLMODEL_FILE = 'MLmodel';

export type FlavorConfig = Record<string, unknown>;

export interface SavedInputExampleInfo {
  artifact_path: string;
  type: string;
  pandas_orient?: string;
  serving_input_path?: string;
  params?: string;
  [key: string]: unknown;
}

export interface MLmodel {
  artifact_path?: string;
  run_id?: string;
  utc_time_created?: string;
  flavors: Record<string, FlavorConfig>;
  model_uuid?: string;
  mlflow_version?: string;
  signature?: ModelSignature;
  saved_input_example_info?: SavedInputExampleInfo;
  model_size_bytes?: number;
  metadata?: Record<string, unknown>;
  /** Any other top-level key, kept as read (Python stores arbitrary kwargs at the top level). */
  [key: string]: unknown;
}

/** Python's `str(datetime.utcnow())`: "YYYY-MM-DD HH:MM:SS.ffffff" (microseconds; ours are ms * 1000). */
export function pythonUtcNow(now: Date = new Date()): string {
  const iso = now.toISOString(); // 2024-11-07T10:00:00.123Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000`;
}

export function newModelUuid(): string {
  return randomUUID().replaceAll('-', '');
}

export function parseMLmodel(text: string, source = MLMODEL_FILE): MLmodel {
  let raw: unknown;
  try {
    raw = loadYaml(text);
  } catch (err) {
    throw invalidParameter(`${source} is not valid YAML: ${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalidParameter(`${source} must be a YAML mapping`);
  }
  const doc = raw as Record<string, unknown>;
  const flavors = doc.flavors;
  if (typeof flavors !== 'object' || flavors === null || Array.isArray(flavors)) {
    throw invalidParameter(`${source} has no 'flavors' mapping`);
  }
  const model: MLmodel = { ...doc, flavors: flavors as Record<string, FlavorConfig> };
  if (doc.signature !== undefined && doc.signature !== null) {
    model.signature = parseSignature(doc.signature as Record<string, unknown>);
  } else {
    delete model.signature;
  }
  return model;
}

/** The dict Python's `Model.to_dict()` builds: signature back to JSON strings, null-valued keys dropped. */
export function mlmodelToDict(model: MLmodel): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(model)) {
    if (value === undefined || value === null) continue;
    out[key] = key === 'signature' ? signatureToMLmodel(value as ModelSignature) : value;
  }
  return out;
}

export function stringifyMLmodel(model: MLmodel): string {
  return dumpPythonYaml(mlmodelToDict(model));
}

/**
 * The body of `runs/log-model` (spec §5.2): the MLmodel as a JSON string, each flavor's `config` left out
 * (Python drops it from the history it sends to the server).
 */
export function mlmodelToLogModelJson(model: MLmodel): string {
  const dict = mlmodelToDict(model);
  const flavors: Record<string, FlavorConfig> = {};
  for (const [name, conf] of Object.entries(model.flavors)) {
    const { config: _omit, ...rest } = conf;
    flavors[name] = rest;
  }
  return JSON.stringify({ ...dict, flavors });
}

export async function readMLmodel(dir: string): Promise<MLmodel> {
  const path = join(dir, MLMODEL_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ModelError(
        'RESOURCE_DOES_NOT_EXIST',
        `Could not find an "${MLMODEL_FILE}" configuration file at "${dir}"`,
      );
    }
    throw err;
  }
  return parseMLmodel(text, path);
}

export async function writeMLmodel(dir: string, model: MLmodel): Promise<void> {
  await writeFile(join(dir, MLMODEL_FILE), stringifyMLmodel(model));
}
