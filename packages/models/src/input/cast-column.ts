/**
 * Casting parsed JSON/CSV values to a signature's column type: the scoring server's pre-cast (spec §6.5,
 * "Serving pre-cast"): numbers and numeric strings become double, base64 becomes bytes, nested values are
 * checked element-wise. A value that cannot be converted is a 400 BAD_REQUEST with MLflow's message;
 * a null in a required column is a 400 INVALID_PARAMETER_VALUE naming the column.
 */
import { badRequest, invalidParameter, type ModelError } from '../errors.ts';
import { type ColSpec, type DataType, describeType, type ScalarType } from '../format/signature.ts';
import type { Column } from './model-input.ts';

/** numpy dtype names MLflow prints for each column type. */
const NUMPY_NAME: Record<ScalarType, string> = {
  double: 'float64',
  float: 'float32',
  long: 'int64',
  integer: 'int32',
  boolean: 'bool',
  string: 'str',
  binary: 'bytes',
  datetime: 'datetime64[ns]',
};

const NUMERIC = /^\s*[-+]?(\d+\.?\d*(e[-+]?\d+)?|\.\d+(e[-+]?\d+)?|inf(inity)?|nan)\s*$/i;

function pyRepr(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : JSON.stringify(v);
}

function conversionError(column: string, type: ScalarType, error: string): ModelError {
  return badRequest(
    `Data is not compatible with model signature. Failed to convert column ${column} to type ` +
      `'${NUMPY_NAME[type]}'. Error: '${error}'`,
  );
}

function toFloat(v: unknown, column: string, type: ScalarType): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && NUMERIC.test(v)) {
    const t = v
      .trim()
      .toLowerCase()
      .replace(/^([-+]?)inf(inity)?$/, '$1Infinity');
    return t === 'nan' || t === '+nan' || t === '-nan' ? Number.NaN : Number(t);
  }
  throw conversionError(column, type, `ValueError("could not convert string to float: ${pyRepr(v)}")`);
}

function toInt(v: unknown, column: string, type: ScalarType): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return v;
    throw invalidParameter(
      `Incompatible input types for column ${column}. Can not safely convert float64 to ${NUMPY_NAME[type]}.`,
    );
  }
  if (typeof v === 'string' && /^\s*[-+]?\d+\s*$/.test(v)) return Number(v);
  throw conversionError(column, type, `ValueError("invalid literal for int() with base 10: ${pyRepr(v)}")`);
}

export function nullInRequired(column: string, t: DataType, row: number): ModelError {
  return invalidParameter(
    `Failed to enforce schema of data: column '${column}' (type ${describeType(t)}) is required ` +
      `by the model signature but has a null value in row ${row}.`,
  );
}

/** Casts one column's values to the spec's type. `name` is used in error messages. */
export function castColumn(values: ArrayLike<unknown>, spec: ColSpec, name: string): Column {
  const n = values.length;
  switch (spec.type) {
    case 'double':
    case 'float':
    case 'long': {
      // long travels as Float64Array: exact to 2^53, which is all JSON numbers carry anyway.
      const out = spec.type === 'float' ? new Float32Array(n) : new Float64Array(n);
      if (values instanceof Float64Array || values instanceof Float32Array || values instanceof Int32Array) {
        if (spec.type === 'long') {
          for (let i = 0; i < n; i++) out[i] = toInt(values[i], name, 'long');
        } else out.set(values);
        return out;
      }
      const convert = spec.type === 'long' ? toInt : toFloat;
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v === null || v === undefined) {
          if (spec.required) throw nullInRequired(name, spec, i);
          out[i] = Number.NaN;
        } else out[i] = convert(v, name, spec.type);
      }
      return out;
    }
    case 'integer': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v === null || v === undefined) throw nullInRequired(name, spec, i); // int32 has no NaN
        const x = toInt(v, name, 'integer');
        if (x > 2147483647 || x < -2147483648) {
          throw invalidParameter(`Incompatible input types for column ${name}. ${x} does not fit in int32.`);
        }
        out[i] = x;
      }
      return out;
    }
    default: {
      const out: unknown[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v === null || v === undefined) {
          if (spec.required) throw nullInRequired(name, spec, i);
          out[i] = null;
        } else out[i] = castValue(v, spec, name);
      }
      return out;
    }
  }
}

/** Casts a single non-null value (also used for nested array items, object properties, map values). */
export function castValue(v: unknown, t: DataType, name: string): unknown {
  switch (t.type) {
    case 'double':
    case 'float':
      return toFloat(v, name, t.type);
    case 'long':
    case 'integer':
      return toInt(v, name, t.type);
    case 'boolean':
      if (typeof v === 'boolean') return v;
      if (v === 0 || v === 1) return v === 1;
      throw conversionError(name, 'boolean', `ValueError("could not convert ${pyRepr(v)} to bool")`);
    case 'string':
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      throw invalidParameter(
        `Incompatible input types for column ${name}. Expected string, got ${typeof v}.`,
      );
    case 'binary':
      if (typeof v === 'string') return Buffer.from(v, 'base64');
      throw conversionError(name, 'binary', 'binary columns take base64 strings in JSON');
    case 'datetime': {
      const d = typeof v === 'string' || typeof v === 'number' ? new Date(v) : null;
      if (d && !Number.isNaN(d.getTime())) return d;
      throw conversionError(name, 'datetime', `ValueError("could not parse ${pyRepr(v)} as a datetime")`);
    }
    case 'array':
      if (!Array.isArray(v)) throw expectedNested(name, t, v);
      return v.map((item) => castValue(item, t.items, name));
    case 'object': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw expectedNested(name, t, v);
      const rec = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [prop, pt] of Object.entries(t.properties)) {
        const pv = rec[prop];
        if (pv === undefined || pv === null) {
          if (pt.required !== false) {
            throw invalidParameter(
              `Failed to enforce schema of data: property '${prop}' of column '${name}' is required.`,
            );
          }
          continue;
        }
        out[prop] = castValue(pv, pt, `${name}.${prop}`);
      }
      return out;
    }
    case 'map': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw expectedNested(name, t, v);
      const out: Record<string, unknown> = {};
      for (const [k, mv] of Object.entries(v as Record<string, unknown>))
        out[k] = castValue(mv, t.values, name);
      return out;
    }
    default:
      return v;
  }
}

function expectedNested(name: string, t: DataType, v: unknown): ModelError {
  const got = Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
  return invalidParameter(
    `Failed to enforce schema of data: column '${name}' expects ${describeType(t)}, got ${got}.`,
  );
}
