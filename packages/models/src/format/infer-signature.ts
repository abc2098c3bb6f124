/**
 * Signature inference from data (MLflow's `infer_signature`): records and column dicts give column
 * schemas, nested lists and typed arrays give tensor schemas with a variable first dimension.
 * JS has one number type, so plain numbers infer as `double` (an integer-looking sample column would
 * otherwise become `long` and refuse fractional inputs later); Int32Array → integer, BigInt64Array → long.
 */
import type { Frame, Tensor } from '../input/model-input.ts';
import { numpyDtypeOf } from '../input/model-input.ts';
import { dimsOf, flatten, inferDtype } from '../input/tensor.ts';
import type { ColSpec, DataType, ModelSignature, ParamSpec, ScalarType, Schema } from './signature.ts';

function isRecord(v: unknown): v is Record<string, unknown> {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v) && !(v instanceof Date)
  );
}

function typeOfValue(v: unknown): DataType | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return { type: 'boolean' };
  if (typeof v === 'number') return { type: 'double' };
  if (typeof v === 'bigint') return { type: 'long' };
  if (typeof v === 'string') return { type: 'string' };
  if (v instanceof Uint8Array) return { type: 'binary' };
  if (v instanceof Date) return { type: 'datetime' };
  if (Array.isArray(v)) {
    const items = mergeTypes(v.map(typeOfValue));
    return { type: 'array', items: items ?? { type: 'string' } };
  }
  if (isRecord(v)) {
    const properties: Record<string, DataType & { required?: boolean }> = {};
    for (const [k, x] of Object.entries(v)) {
      const t = typeOfValue(x);
      if (t) properties[k] = { ...t, required: true };
    }
    return { type: 'object', properties };
  }
  return null;
}

/** The common type of a column's values; mixed scalar types fall back to string as pandas' object does. */
function mergeTypes(types: (DataType | null)[]): DataType | null {
  const seen = types.filter((t): t is DataType => t !== null);
  if (seen.length === 0) return null;
  const first = seen[0]!;
  if (seen.every((t) => t.type === first.type)) return first;
  return { type: 'string' };
}

function columnType(values: ArrayLike<unknown>): { type: DataType; required: boolean } {
  if (values instanceof Float64Array) return { type: { type: 'double' }, required: true };
  if (values instanceof Float32Array) return { type: { type: 'float' }, required: true };
  if (values instanceof Int32Array || values instanceof Int16Array || values instanceof Int8Array) {
    return { type: { type: 'integer' }, required: true };
  }
  if (values instanceof BigInt64Array) return { type: { type: 'long' }, required: true };
  const list = Array.from(values);
  const t = mergeTypes(list.map(typeOfValue));
  return { type: t ?? { type: 'string' }, required: list.every((v) => v !== null && v !== undefined) };
}

function colSpec(name: string | undefined, values: ArrayLike<unknown>): ColSpec {
  const { type, required } = columnType(values);
  const spec: ColSpec = { ...type, required };
  if (name !== undefined) spec.name = name;
  return spec;
}

function tensorSchema(dtype: string, dims: number[]): Schema {
  return { kind: 'tensor', specs: [{ type: 'tensor', dtype, shape: [-1, ...dims.slice(1)] }] };
}

/** Infers a schema from model input or output data. */
export function inferSchema(data: unknown): Schema {
  if (isRecord(data) && (data as { kind?: unknown }).kind === 'frame') {
    const f = data as unknown as Frame;
    return { kind: 'column', specs: f.columns.map((c, i) => colSpec(c, f.values[i]!)) };
  }
  if (isRecord(data) && (data as { kind?: unknown }).kind === 'tensor') {
    const t = data as unknown as Tensor;
    return tensorSchema(t.dtype, t.dims);
  }
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) {
    return tensorSchema(numpyDtypeOf(data as unknown as Float64Array), [
      (data as unknown as Float64Array).length,
    ]);
  }
  if (Array.isArray(data)) {
    if (data.length > 0 && data.every(isRecord)) {
      // Records: columns in first-seen order; a key missing from some rows is optional.
      const names: string[] = [];
      for (const r of data) for (const k of Object.keys(r)) if (!names.includes(k)) names.push(k);
      return {
        kind: 'column',
        specs: names.map((n) =>
          colSpec(
            n,
            data.map((r) => (r as Record<string, unknown>)[n] ?? null),
          ),
        ),
      };
    }
    const dims = dimsOf(data);
    if (dims.length >= 2) return tensorSchema(inferDtype(flatten(data, dims, 'data')), dims);
    // A flat list is a one-column frame (a pandas Series).
    return { kind: 'column', specs: [colSpec(undefined, data)] };
  }
  if (isRecord(data)) {
    // {column: values}
    return {
      kind: 'column',
      specs: Object.entries(data).map(([k, v]) =>
        colSpec(k, Array.isArray(v) || ArrayBuffer.isView(v) ? (v as ArrayLike<unknown>) : [v]),
      ),
    };
  }
  return { kind: 'column', specs: [colSpec(undefined, [data])] };
}

function inferParams(params: Record<string, unknown>): ParamSpec[] {
  return Object.entries(params).map(([name, value]) => {
    const sample = Array.isArray(value) ? value[0] : value;
    const t = typeOfValue(sample);
    const type: ScalarType =
      t && t.type !== 'array' && t.type !== 'object' ? (t.type as ScalarType) : 'string';
    return { name, type, default: value, shape: Array.isArray(value) ? [-1] : null };
  });
}

export function inferSignature(
  input: unknown,
  output?: unknown,
  params?: Record<string, unknown>,
): ModelSignature {
  return {
    inputs: inferSchema(input),
    outputs: output === undefined ? null : inferSchema(output),
    params: params ? inferParams(params) : null,
  };
}
