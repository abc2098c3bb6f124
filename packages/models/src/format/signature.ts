/**
 * Model signatures (spec §5.3): column-based or tensor-based input/output schemas and inference params.
 * In MLmodel each of inputs/outputs/params is a JSON string; `parseSignature` reads that form and
 * `signatureToMLmodel` writes it back with Python's json.dumps spacing.
 */
import { invalidParameter } from '../errors.ts';
import { pythonJson } from './python-json.ts';

export const SCALAR_TYPES = [
  'boolean',
  'integer',
  'long',
  'float',
  'double',
  'string',
  'binary',
  'datetime',
] as const;
export type ScalarType = (typeof SCALAR_TYPES)[number];

/** The type part of a column or nested spec: a scalar, array, object, map or Spark vector. */
export type DataType =
  | { type: ScalarType }
  | { type: 'array'; items: DataType }
  | { type: 'object'; properties: Record<string, DataType & { required?: boolean }> }
  | { type: 'map'; values: DataType }
  | { type: 'sparkml_vector' };

export type ColSpec = DataType & { name?: string; required: boolean };

export interface TensorSpec {
  type: 'tensor';
  name?: string;
  dtype: string;
  shape: number[];
}

export type Schema = { kind: 'column'; specs: ColSpec[] } | { kind: 'tensor'; specs: TensorSpec[] };

export interface ParamSpec {
  name: string;
  type: ScalarType;
  default: unknown;
  /** null for a scalar param, [-1] for a list param. */
  shape: number[] | null;
}

export interface ModelSignature {
  inputs: Schema | null;
  outputs: Schema | null;
  params: ParamSpec[] | null;
}

/** numpy dtype names accepted in tensor specs. */
export const TENSOR_DTYPES = [
  'bool',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'float16',
  'float32',
  'float64',
  'str',
  'bytes',
  'object',
] as const;

function fail(message: string): never {
  throw invalidParameter(`Invalid model signature: ${message}`);
}

function parseDataType(raw: unknown, where: string): DataType {
  if (typeof raw !== 'object' || raw === null) fail(`${where} must be an object`);
  const r = raw as Record<string, unknown>;
  const t = r.type;
  if ((SCALAR_TYPES as readonly string[]).includes(t as string)) return { type: t as ScalarType };
  switch (t) {
    case 'array':
      return { type: 'array', items: parseDataType(r.items, `${where}.items`) };
    case 'map':
      return { type: 'map', values: parseDataType(r.values, `${where}.values`) };
    case 'sparkml_vector':
      return { type: 'sparkml_vector' };
    case 'object': {
      const props = r.properties;
      if (typeof props !== 'object' || props === null) fail(`${where}.properties must be an object`);
      const properties: Record<string, DataType & { required?: boolean }> = {};
      for (const [k, v] of Object.entries(props as Record<string, unknown>)) {
        const required = (v as { required?: unknown }).required;
        properties[k] = { ...parseDataType(v, `${where}.properties.${k}`), required: required !== false };
      }
      return { type: 'object', properties };
    }
    default:
      return fail(`${where} has unknown type ${JSON.stringify(t)}`);
  }
}

export function parseSchema(specs: unknown): Schema {
  if (!Array.isArray(specs) || specs.length === 0) fail('a schema must be a non-empty list of specs');
  const tensors = specs.filter((s) => (s as { type?: unknown })?.type === 'tensor');
  if (tensors.length > 0 && tensors.length !== specs.length) fail('column and tensor specs cannot be mixed');
  const named = specs.filter((s) => typeof (s as { name?: unknown }).name === 'string').length;
  if (named !== 0 && named !== specs.length) fail('either all specs are named or none is');
  if (tensors.length > 0) {
    return {
      kind: 'tensor',
      specs: specs.map((s, i) => {
        const r = s as Record<string, unknown>;
        const ts = r['tensor-spec'] as { dtype?: unknown; shape?: unknown } | undefined;
        if (!ts || typeof ts.dtype !== 'string' || !Array.isArray(ts.shape)) {
          fail(`tensor spec ${i} needs "tensor-spec": {"dtype", "shape"}`);
        }
        const spec: TensorSpec = { type: 'tensor', dtype: ts.dtype, shape: ts.shape as number[] };
        if (typeof r.name === 'string') spec.name = r.name;
        return spec;
      }),
    };
  }
  return {
    kind: 'column',
    specs: specs.map((s, i) => {
      const r = s as Record<string, unknown>;
      const spec: ColSpec = { ...parseDataType(r, `column ${i}`), required: r.required !== false };
      if (typeof r.name === 'string') spec.name = r.name;
      return spec;
    }),
  };
}

function parseParams(raw: unknown): ParamSpec[] {
  if (!Array.isArray(raw)) fail('params must be a list');
  return raw.map((p, i) => {
    const r = p as Record<string, unknown>;
    // Older writers used "dtype" for the type (spec §5.3).
    const type = (r.type ?? r.dtype) as string;
    if (typeof r.name !== 'string') fail(`param ${i} has no name`);
    if (!(SCALAR_TYPES as readonly string[]).includes(type)) fail(`param ${r.name} has unknown type ${type}`);
    return {
      name: r.name,
      type: type as ScalarType,
      default: r.default ?? null,
      shape: Array.isArray(r.shape) ? (r.shape as number[]) : null,
    };
  });
}

function parseField(value: unknown, field: string): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') return value; // already parsed (e.g. a signature handed over as JSON)
  try {
    return JSON.parse(value);
  } catch {
    return fail(`signature.${field} is not valid JSON`);
  }
}

/** Reads the MLmodel form `{inputs: "<json>", outputs: "<json>", params: "<json>"|null}`. */
export function parseSignature(raw: Record<string, unknown>): ModelSignature {
  const inputs = parseField(raw.inputs, 'inputs');
  const outputs = parseField(raw.outputs, 'outputs');
  const params = parseField(raw.params, 'params');
  const sig: ModelSignature = {
    inputs: inputs === null ? null : parseSchema(inputs),
    outputs: outputs === null ? null : parseSchema(outputs),
    params: params === null ? null : parseParams(params),
  };
  if (typeof raw.inputs === 'string' || typeof raw.outputs === 'string') {
    const text = (v: unknown) => (typeof v === 'string' ? v : null);
    ORIGINAL_TEXT.set(sig, {
      inputs: text(raw.inputs),
      outputs: text(raw.outputs),
      params: text(raw.params),
    });
  }
  return sig;
}

/**
 * The JSON strings a signature was read from. Writing an unchanged signature back reuses them, so a
 * model Python wrote (2.9 leaves out "required") round-trips byte for byte.
 */
const ORIGINAL_TEXT = new WeakMap<ModelSignature, Record<'inputs' | 'outputs' | 'params', string | null>>();

function dataTypeToDict(t: DataType): Record<string, unknown> {
  switch (t.type) {
    case 'array':
      return { type: 'array', items: dataTypeToDict(t.items) };
    case 'map':
      return { type: 'map', values: dataTypeToDict(t.values) };
    case 'object': {
      const properties: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(t.properties)) {
        properties[k] = { ...dataTypeToDict(v), required: v.required !== false };
      }
      return { type: 'object', properties };
    }
    default:
      return { type: t.type };
  }
}

/** Key order as Python MLflow (2.10+) writes it: type-specific keys, then name, then required. */
export function schemaToDicts(schema: Schema): Record<string, unknown>[] {
  if (schema.kind === 'tensor') {
    return schema.specs.map((s) => {
      const ts = { dtype: s.dtype, shape: s.shape };
      return s.name === undefined
        ? { type: 'tensor', 'tensor-spec': ts }
        : { name: s.name, type: 'tensor', 'tensor-spec': ts };
    });
  }
  return schema.specs.map((s) => {
    const d = dataTypeToDict(s);
    if (s.name !== undefined) d.name = s.name;
    d.required = s.required;
    return d;
  });
}

export function signatureToMLmodel(sig: ModelSignature): Record<string, string | null> {
  const original = ORIGINAL_TEXT.get(sig);
  if (original) return { ...original };
  return {
    inputs: sig.inputs ? pythonJson(schemaToDicts(sig.inputs)) : null,
    outputs: sig.outputs ? pythonJson(schemaToDicts(sig.outputs)) : null,
    params: sig.params
      ? pythonJson(
          sig.params.map((p) => ({ name: p.name, type: p.type, default: p.default, shape: p.shape })),
        )
      : null,
  };
}

/** Column names of a named column schema, or null for an unnamed/tensor schema. */
export function columnNames(schema: Schema | null): string[] | null {
  if (schema?.kind !== 'column') return null;
  const names = schema.specs.map((s) => s.name);
  return names.every((n) => n !== undefined) ? (names as string[]) : null;
}

/** Human-readable type of a column spec for error messages. */
export function describeType(t: DataType): string {
  switch (t.type) {
    case 'array':
      return `array<${describeType(t.items)}>`;
    case 'map':
      return `map<string, ${describeType(t.values)}>`;
    case 'object':
      return `object{${Object.keys(t.properties).join(', ')}}`;
    default:
      return t.type;
  }
}
