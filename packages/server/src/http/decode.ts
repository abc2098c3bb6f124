/**
 * Proto-JSON request decoding by MLflow's rules (spec §0.2): fields by snake_case or lowerCamelCase name,
 * unknown fields ignored, int64 from numbers or numeric strings, doubles from "NaN"/"Infinity" strings,
 * enums by name or number, GET fields from the query string with repeated keys collected.
 * Required fields (those not marked optional in the schema) that are absent or "" get MLflow's message.
 */
import type { TObject, TSchema } from '@sinclair/typebox';
import { MlflowError } from '../core/mlflow-error.ts';

type Query = Record<string, string | string[] | undefined>;

const OPTIONAL = Symbol.for('TypeBox.Optional');

const camel = (snake: string) => snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

function pythonType(value: unknown): string {
  if (value === null) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  switch (typeof value) {
    case 'string':
      return 'str';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(value) ? 'int' : 'float';
    default:
      return 'dict';
  }
}

function invalid(name: string, value: unknown): MlflowError {
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  return MlflowError.invalidParameter(
    `Invalid value ${shown} for parameter '${name}' supplied. Hint: Value was of type '${pythonType(value)}'. See the API docs for more information about request parameters.`,
  );
}

const INT_PATTERN = /^-?\d+$/;
const FLOAT_PATTERN = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function scalar(schema: TSchema, value: unknown, name: string): unknown {
  switch (schema.proto) {
    case 'string':
      if (typeof value === 'string') return value;
      // Legacy clients send numeric experiment ids (spec §0.2).
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      throw invalid(name, value);
    case 'int64':
    case 'int32': {
      const n = typeof value === 'string' && INT_PATTERN.test(value.trim()) ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isInteger(n)) throw invalid(name, value);
      if (schema.proto === 'int32' && (n > 2147483647 || n < -2147483648)) throw invalid(name, value);
      return n;
    }
    case 'double': {
      if (typeof value === 'number') return value;
      if (typeof value === 'string') {
        if (value === 'NaN') return Number.NaN;
        if (value === 'Infinity') return Number.POSITIVE_INFINITY;
        if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
        if (FLOAT_PATTERN.test(value.trim())) return Number(value);
      }
      throw invalid(name, value);
    }
    case 'bool':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      throw invalid(name, value);
    case 'enum': {
      const values = schema.values as readonly string[];
      const numbers = schema.numbers as readonly number[];
      if (typeof value === 'string' && values.includes(value)) return value;
      const n = typeof value === 'string' && INT_PATTERN.test(value) ? Number(value) : value;
      const i = typeof n === 'number' ? numbers.indexOf(n) : -1;
      // An unknown enum value is dropped, as protobuf's parser does (MLflow answers 200 and ignores it).
      return i >= 0 ? values[i] : undefined;
    }
    default:
      throw new Error(`schema field '${name}' has no proto kind`);
  }
}

function decodeValue(schema: TSchema, value: unknown, name: string): unknown {
  if (schema.type === 'array') {
    const items = schema.items as TSchema;
    const list = Array.isArray(value) ? value : [value];
    return list.map((v, i) => decodeValue(items, v, `${name}[${i}]`));
  }
  if (schema.type === 'object') {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(name, value);
    return decodeObject(schema as TObject, value as Record<string, unknown>, `${name}.`);
  }
  return scalar(schema, value, name);
}

function decodeObject(
  schema: TObject,
  source: Record<string, unknown>,
  prefix = '',
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, fieldSchema] of Object.entries(schema.properties)) {
    let value = source[field];
    if (value === undefined || value === null) value = source[camel(field)];
    const isOptional = (fieldSchema as unknown as Record<symbol, unknown>)[OPTIONAL] === 'Optional';
    if (value === undefined || value === null) {
      if (!isOptional) throw MlflowError.missingParameter(prefix + field);
      continue;
    }
    const decoded = decodeValue(fieldSchema, value, prefix + field);
    if (!isOptional && (decoded === '' || decoded === undefined))
      throw MlflowError.missingParameter(prefix + field);
    if (decoded !== undefined) out[field] = decoded;
  }
  return out;
}

/** A JSON body as MLflow reads it: unparseable or empty ⇒ `{}`; a JSON string is decoded once more. */
export function parseJsonBody(raw: Buffer | string | undefined): unknown {
  if (raw === undefined || raw.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    return {};
  }
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return {};
    }
  }
  return value;
}

export function decodeBody(schema: TObject, body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new MlflowError('BAD_REQUEST', 'The request body must be a JSON object.');
  }
  return decodeObject(schema, body as Record<string, unknown>);
}

/** GET: repeated fields take every occurrence of the key, singular fields the first. */
export function decodeQuery(schema: TObject, query: Query): Record<string, unknown> {
  const source: Record<string, unknown> = {};
  for (const [field, fieldSchema] of Object.entries(schema.properties)) {
    for (const name of [field, camel(field)]) {
      const raw = query[name];
      if (raw === undefined) continue;
      const list = Array.isArray(raw) ? raw : [raw];
      source[field] = fieldSchema.type === 'array' ? list : list[0];
      break;
    }
  }
  return decodeObject(schema, source);
}
