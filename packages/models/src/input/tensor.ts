/**
 * Nested JSON lists → flat tensors with a numpy dtype, and the shape rule of tensor specs (-1 matches any
 * size). Used for `instances`/`inputs` lists and tensor-based signatures.
 */
import { invalidParameter } from '../errors.ts';
import type { Tensor, TypedArray } from './model-input.ts';

/** Python's tuple formatting of a shape, as MLflow prints it: (2, 4), (3,). */
export function pyShape(dims: readonly number[]): string {
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
}

export function dimsOf(value: unknown): number[] {
  const dims: number[] = [];
  let v: unknown = value;
  while (Array.isArray(v)) {
    dims.push(v.length);
    if (v.length === 0) break;
    v = v[0];
  }
  return dims;
}

/** Flattens a rectangular nested list; a ragged list is a 400 naming the input. */
export function flatten(value: unknown[], dims: number[], name: string): unknown[] {
  const out: unknown[] = [];
  const walk = (v: unknown, depth: number) => {
    if (depth === dims.length) {
      if (Array.isArray(v)) throw ragged(name);
      out.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== dims[depth]) throw ragged(name);
    for (const item of v) walk(item, depth + 1);
  };
  walk(value, 0);
  return out;
}

function ragged(name: string) {
  return invalidParameter(
    `Failed to enforce schema of data: input '${name}' is not a rectangular (n-dimensional) array.`,
  );
}

/** numpy's choice for a list of JSON values: bool, int64, float64, or str/object. */
export function inferDtype(flat: readonly unknown[]): string {
  let ints = true;
  let numbers = true;
  let bools = true;
  let strings = true;
  for (const v of flat) {
    if (typeof v !== 'number') numbers = ints = false;
    else if (!Number.isInteger(v)) ints = false;
    if (typeof v !== 'boolean') bools = false;
    if (typeof v !== 'string') strings = false;
  }
  if (flat.length === 0) return 'float64';
  if (bools) return 'bool';
  if (ints) return 'int64';
  if (numbers) return 'float64';
  return strings ? 'str' : 'object';
}

export function typedArrayFor(dtype: string, n: number): TypedArray | unknown[] {
  switch (dtype) {
    case 'float64':
      return new Float64Array(n);
    case 'float32':
    case 'float16':
      return new Float32Array(n);
    case 'int64':
      return new BigInt64Array(n);
    case 'uint64':
      return new BigUint64Array(n);
    case 'int32':
      return new Int32Array(n);
    case 'int16':
      return new Int16Array(n);
    case 'int8':
      return new Int8Array(n);
    case 'uint32':
      return new Uint32Array(n);
    case 'uint16':
      return new Uint16Array(n);
    case 'uint8':
    case 'bool':
      return new Uint8Array(n);
    default:
      return new Array(n);
  }
}

const INT_DTYPE = /^u?int(8|16|32|64)$/;

/** Fills a tensor of `dtype` from flat JSON values, refusing lossy conversions (float → int, text → number). */
export function toTensor(flat: ArrayLike<unknown>, dims: number[], dtype: string, name: string): Tensor {
  const data = typedArrayFor(dtype, flat.length);
  const isInt = INT_DTYPE.test(dtype);
  for (let i = 0; i < flat.length; i++) {
    let v = flat[i];
    if (Array.isArray(data)) {
      data[i] = v;
      continue;
    }
    if (typeof v === 'boolean') v = v ? 1 : 0;
    else if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) v = Number(v);
    if (typeof v !== 'number' && typeof v !== 'bigint') {
      throw invalidParameter(
        `Failed to enforce schema of data: input '${name}' expects dtype ${dtype}, got ${JSON.stringify(v)}.`,
      );
    }
    if (isInt && typeof v === 'number' && !Number.isInteger(v)) {
      throw invalidParameter(
        `Failed to enforce schema of data: input '${name}' expects dtype ${dtype}; ` +
          `can not safely convert ${v} (float64) to ${dtype}.`,
      );
    }
    if (data instanceof BigInt64Array || data instanceof BigUint64Array) data[i] = BigInt(v);
    else data[i] = Number(v);
  }
  return { kind: 'tensor', dtype, dims, data };
}

/** A tensor spec's shape check: same rank, each fixed dimension equal (spec §6.5). */
export function checkShape(dims: readonly number[], expected: readonly number[], name: string): void {
  const ok = dims.length === expected.length && expected.every((d, i) => d === -1 || d === dims[i]);
  if (!ok) {
    throw invalidParameter(
      `Failed to enforce schema of data: shape of input '${name}' ${pyShape(dims)} does not match ` +
        `expected shape ${pyShape(expected)}.`,
    );
  }
}
