/**
 * The scoring protocol's JSON request forms (spec §6.2) → a parsed request, before schema enforcement.
 * Errors reproduce MLflow's messages (see test/fixtures/models/serving/examples.jsonl).
 */
import { badRequest } from '../errors.ts';

/** Untyped data as the request carried it; `prepareInput` types it against the signature. */
export type ParsedData =
  | { kind: 'rows'; columns: string[] | null; data: unknown[][] } // dataframe_split
  | { kind: 'records'; records: Record<string, unknown>[] } // dataframe_records, instances/inputs as records
  | { kind: 'columnar'; columns: Record<string, unknown> } // inputs/instances as {col: [...]}
  | { kind: 'nested'; value: unknown[] } // a (nested) list: a tensor
  | { kind: 'raw'; value: unknown }; // a scalar, or a unified-LLM body

export interface ParsedRequest {
  data: ParsedData;
  params: Record<string, unknown> | null;
  /** Unified-LLM bodies answer with the raw model output, not {"predictions": ...} (spec §6.2). */
  unwrapped: boolean;
}

const FORMATS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;
const LLM_KEYS = ['messages', 'prompt', 'input'];

// MLflow prints a Python set here; its order changes between processes. This is one it printed.
const FORMATS_SET = "{'inputs', 'dataframe_records', 'instances', 'dataframe_split'}";

const PROTOCOL_NOTE =
  "IMPORTANT: The MLflow Model scoring protocol has changed in MLflow version 2.0. If you are seeing this error, you are likely using an outdated scoring request format. To resolve the error, either update your request format or adjust your MLflow Model's requirements file to specify an older version of MLflow (for example, change the 'mlflow' requirement specifier to 'mlflow==1.30.0'). If you are making a request using the MLflow client (e.g. via `mlflow.pyfunc.spark_udf()`), upgrade your MLflow client to a version >= 2.0 in order to use the new request format. For more information about the updated MLflow Model scoring protocol in MLflow 2.0, see https://mlflow.org/docs/latest/models.html#deploy-mlflow-models.";

function formatError(received: string) {
  return badRequest(
    `The input must be a JSON dictionary with exactly one of the input fields ${FORMATS_SET}. ` +
      `Received ${received}. ${PROTOCOL_NOTE}`,
  );
}

export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest(
      `Failed to parse input from JSON. Ensure that input is a valid JSON formatted string. Input: \n${text}\n`,
    );
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseJsonRequest(body: unknown, paramNames: ReadonlySet<string> = new Set()): ParsedRequest {
  if (Array.isArray(body)) throw formatError('a list');
  if (!isObject(body)) throw formatError(`a ${body === null ? 'null' : typeof body}`);
  const present = Object.keys(body).filter((k) => (FORMATS as readonly string[]).includes(k));
  if (present.length === 0 && LLM_KEYS.some((k) => k in body)) {
    // Keys named in the params schema become params; the rest is the model's input, as is.
    const value: Record<string, unknown> = {};
    const params: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(body)) (paramNames.has(k) ? params : value)[k] = v;
    return {
      data: { kind: 'raw', value },
      params: Object.keys(params).length ? params : null,
      unwrapped: true,
    };
  }
  if (present.length !== 1) {
    throw formatError(`dictionary with input fields: [${present.map((k) => `'${k}'`).join(', ')}]`);
  }
  if ('signature_name' in body) {
    throw badRequest('"signature_name" (TF serving) is not supported: send one of the MLflow input fields.');
  }
  const params = body.params;
  if (params !== undefined && params !== null && !isObject(params)) {
    throw badRequest(
      `"params" must be a JSON object, got ${Array.isArray(params) ? 'a list' : typeof params}.`,
    );
  }
  const key = present[0] as (typeof FORMATS)[number];
  return {
    data: parseData(key, body[key]),
    params: (params as Record<string, unknown>) ?? null,
    unwrapped: false,
  };
}

function parseData(key: (typeof FORMATS)[number], v: unknown): ParsedData {
  switch (key) {
    case 'dataframe_split':
      return parseSplit(v);
    case 'dataframe_records':
      if (!Array.isArray(v)) throw badRequest('"dataframe_records" must be a list of records.');
      if (v.length > 0 && v.every(isObject)) return { kind: 'records', records: v };
      if (v.length > 0 && v.every(Array.isArray)) return { kind: 'rows', columns: null, data: v };
      if (v.length === 0) return { kind: 'records', records: [] };
      throw badRequest('"dataframe_records" must be a list of JSON objects (one per row).');
    default:
      return parseTensorForm(key, v);
  }
}

function parseSplit(v: unknown): ParsedData {
  if (!isObject(v))
    throw badRequest('"dataframe_split" must be an object {"columns": [...], "data": [[...]]}.');
  const extra = Object.keys(v).filter((k) => k !== 'columns' && k !== 'data' && k !== 'index');
  if (extra.length) {
    throw badRequest(
      `"dataframe_split" accepts only "columns", "data" and "index"; got ${extra.join(', ')}.`,
    );
  }
  const { columns, data } = v;
  if (columns !== undefined && (!Array.isArray(columns) || !columns.every((c) => typeof c === 'string'))) {
    throw badRequest('"dataframe_split.columns" must be a list of column names.');
  }
  if (!Array.isArray(data)) throw badRequest('"dataframe_split.data" must be a list of rows.');
  const width = columns?.length;
  for (let i = 0; i < data.length; i++) {
    const row = data[i];
    if (!Array.isArray(row)) {
      // pandas reads a flat list as one column.
      if (width === undefined || width === 1) continue;
      throw badRequest(`"dataframe_split.data" row ${i} is not a list.`);
    }
    if (width !== undefined && row.length !== width) {
      throw badRequest(`${width} columns passed, passed data had ${row.length} columns (row ${i}).`);
    }
  }
  const rows = data.map((r) => (Array.isArray(r) ? r : [r]));
  return { kind: 'rows', columns: (columns as string[] | undefined) ?? null, data: rows };
}

function parseTensorForm(key: string, v: unknown): ParsedData {
  if (Array.isArray(v)) {
    if (v.length > 0 && v.every(isObject)) return { kind: 'records', records: v };
    return { kind: 'nested', value: v };
  }
  if (isObject(v)) {
    if (key === 'instances') throw badRequest('"instances" must be a list.');
    return { kind: 'columnar', columns: v };
  }
  return { kind: 'raw', value: v };
}
