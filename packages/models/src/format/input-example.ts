/**
 * Input examples (spec §5.4): `input_example.json` plus the ready-to-POST `serving_input_example.json`,
 * and the `saved_input_example_info` entry pointing at them. Tables are written in pandas' split orient
 * without index; lists as `ndarray`; anything else as `json_object`.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Frame } from '../input/model-input.ts';
import type { MLmodel, SavedInputExampleInfo } from './mlmodel.ts';
import { pythonJson } from './python-json.ts';

export const INPUT_EXAMPLE_FILE = 'input_example.json';
export const SERVING_INPUT_EXAMPLE_FILE = 'serving_input_example.json';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

function toSplit(example: unknown): { columns: string[]; data: unknown[][] } | null {
  if (isRecord(example) && example.kind === 'frame') {
    const f = example as unknown as Frame;
    const data = Array.from({ length: f.rows }, (_, r) => f.values.map((c) => c[r]));
    return { columns: f.columns, data };
  }
  if (Array.isArray(example) && example.length > 0 && example.every(isRecord)) {
    const columns: string[] = [];
    for (const r of example) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
    return {
      columns,
      data: example.map((r) => columns.map((c) => (r as Record<string, unknown>)[c] ?? null)),
    };
  }
  return null;
}

/** Writes the example files into `dir` and records them in `model.saved_input_example_info`. */
export async function saveInputExample(
  dir: string,
  model: MLmodel,
  example: unknown,
  params?: Record<string, unknown>,
): Promise<void> {
  const split = toSplit(example);
  let info: SavedInputExampleInfo;
  let data: unknown;
  let serving: Record<string, unknown>;
  if (split) {
    info = { artifact_path: INPUT_EXAMPLE_FILE, type: 'dataframe', pandas_orient: 'split' };
    data = split;
    serving = { dataframe_split: split };
  } else if (Array.isArray(example) || ArrayBuffer.isView(example)) {
    info = { artifact_path: INPUT_EXAMPLE_FILE, type: 'ndarray' };
    data = ArrayBuffer.isView(example) ? Array.from(example as unknown as Float64Array) : example;
    serving = { inputs: data };
  } else {
    info = { artifact_path: INPUT_EXAMPLE_FILE, type: 'json_object' };
    data = example;
    serving = { inputs: data };
  }
  if (params) {
    info.params = 'true';
    serving.params = params;
    data = { inputs: data, params };
  }
  info.serving_input_path = SERVING_INPUT_EXAMPLE_FILE;
  await writeFile(join(dir, INPUT_EXAMPLE_FILE), pythonJson(data));
  await writeFile(join(dir, SERVING_INPUT_EXAMPLE_FILE), JSON.stringify(serving, null, 2));
  model.saved_input_example_info = info;
}
