/**
 * What a model receives after request parsing and schema enforcement. Plain data only (typed arrays,
 * arrays, strings), so it crosses to an inference worker thread by structured clone without copies of
 * the numeric columns (their buffers are transferred).
 */

/** One column: numeric types as typed arrays (double, long → Float64Array; float → Float32Array;
 * integer → Int32Array), everything else a plain array (null for a missing optional value). */
export type Column = Float64Array | Float32Array | Int32Array | unknown[];

/** A table, MLflow's pandas DataFrame: `values[i]` is the column named `columns[i]`. */
export interface Frame {
  kind: 'frame';
  columns: string[];
  values: Column[];
  rows: number;
}

export type TypedArray =
  | Float64Array
  | Float32Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint32Array
  | Uint16Array
  | Uint8Array
  | BigInt64Array
  | BigUint64Array;

/** An n-dimensional array (MLflow's numpy input), flat in row-major order. `dtype` is a numpy name. */
export interface Tensor {
  kind: 'tensor';
  dtype: string;
  dims: number[];
  data: TypedArray | unknown[];
}

/** Several named tensors (a dict of numpy arrays). */
export interface TensorDict {
  kind: 'tensors';
  tensors: Record<string, Tensor>;
}

/** Anything else (a scalar, a free-form JSON object for unified-LLM style models): passed unchanged. */
export interface RawInput {
  kind: 'raw';
  value: unknown;
}

export type ModelInput = Frame | Tensor | TensorDict | RawInput;

export type Params = Record<string, unknown>;

/** Rows of a frame as plain objects, for JS models that prefer records. */
export function frameToRecords(frame: Frame): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = new Array(frame.rows);
  for (let r = 0; r < frame.rows; r++) {
    const rec: Record<string, unknown> = {};
    for (let c = 0; c < frame.columns.length; c++) rec[frame.columns[c]!] = frame.values[c]![r];
    out[r] = rec;
  }
  return out;
}

export function numpyDtypeOf(data: TypedArray | unknown[]): string {
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Uint32Array) return 'uint32';
  if (data instanceof Uint16Array) return 'uint16';
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof BigUint64Array) return 'uint64';
  return 'object';
}

/** Total element count of a shape. */
export function sizeOf(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}
