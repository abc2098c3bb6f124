/**
 * Which columns of a parquet file feed the model, checked against its signature once, from the file's
 * schema, before a single row is read: a missing or mistyped column is a 400 naming it (the same
 * INVALID_PARAMETER_VALUE the scoring server gives for a bad request), not a failure rows later.
 * Only the planned columns are read from disk.
 */
import type { SchemaTree } from 'hyparquet';
import { invalidParameter } from '../errors.ts';
import { type ColSpec, describeType, type Schema } from '../format/signature.ts';

/** A top-level parquet column as the reader decodes it (hyparquet's conversions, `utf8: false`). */
export type ParquetKind =
  | 'boolean'
  | 'int32'
  | 'int64'
  | 'float'
  | 'double'
  | 'decimal'
  | 'string'
  | 'binary'
  | 'datetime'
  | 'json'
  | 'nested';

export interface PlannedColumn {
  /** The column's name in the file (and in the frame the model gets). */
  name: string;
  kind: ParquetKind;
  /** The signature's spec for it; null without a named column-based signature. */
  spec: ColSpec | null;
}

export function parquetKind(node: SchemaTree): ParquetKind {
  const e = node.element;
  const converted = e.converted_type;
  const logical = e.logical_type?.type;
  if (node.children.length > 0) return 'nested';
  if (converted === 'DECIMAL' || logical === 'DECIMAL') return 'decimal';
  if (converted === 'JSON' || logical === 'JSON') return 'json';
  if (
    converted === 'DATE' ||
    converted === 'TIMESTAMP_MILLIS' ||
    converted === 'TIMESTAMP_MICROS' ||
    logical === 'DATE' ||
    logical === 'TIMESTAMP' ||
    e.type === 'INT96'
  )
    return 'datetime';
  switch (e.type) {
    case 'BOOLEAN':
      return 'boolean';
    case 'INT32':
      return 'int32';
    case 'INT64':
      return 'int64';
    case 'FLOAT':
      return 'float';
    case 'DOUBLE':
      return 'double';
    default:
      // BYTE_ARRAY / FIXED_LEN_BYTE_ARRAY: text when annotated so, else bytes.
      return converted === 'UTF8' || converted === 'ENUM' || logical === 'STRING' || logical === 'ENUM'
        ? 'string'
        : 'binary';
  }
}

const NUMBERS: readonly ParquetKind[] = ['int32', 'int64', 'float', 'double', 'decimal'];

/** Parquet kinds a signature type takes. Integers widen to floating point; floating point never
 * narrows to an integer and int64 never to int32 (MLflow: "Can not safely convert"). A text column
 * stored as plain bytes (no UTF8 annotation, as some writers do) is accepted for string. */
const ACCEPTS: Record<string, readonly ParquetKind[]> = {
  double: NUMBERS,
  float: NUMBERS,
  long: ['int32', 'int64'],
  integer: ['int32'],
  boolean: ['boolean'],
  string: ['string', 'binary'],
  binary: ['binary'],
  datetime: ['datetime'],
  array: ['nested', 'json'],
  object: ['nested', 'json'],
  map: ['nested', 'json'],
};

const pyList = (names: readonly string[]) => `[${names.map((n) => `'${n}'`).join(', ')}]`;

function describeKind(node: SchemaTree, kind: ParquetKind): string {
  const e = node.element;
  const annotation = e.logical_type?.type ?? e.converted_type;
  return kind === 'nested'
    ? `a nested ${annotation ?? 'group'}`
    : `${e.type}${annotation ? ` (${annotation})` : ''}`;
}

/**
 * The columns to read for a model with this input schema. With a named column-based signature: its
 * columns (in signature order; optional ones only when present), each checked for type. Otherwise (no
 * signature, unnamed columns, tensors): every top-level column, in file order, enforced per chunk as
 * the CSV path does.
 */
export function planParquetColumns(root: SchemaTree, schema: Schema | null): PlannedColumn[] {
  const byName = new Map(root.children.map((c) => [c.element.name, c]));
  const named = schema?.kind === 'column' && schema.specs.every((s) => s.name !== undefined);
  if (!named) {
    return root.children.map((c) => ({ name: c.element.name, kind: parquetKind(c), spec: null }));
  }
  const specs = schema.specs;
  const missing = specs.filter((s) => s.required && !byName.has(s.name!));
  if (missing.length) {
    const known = new Set(specs.map((s) => s.name));
    const extra = [...byName.keys()].filter((n) => !known.has(n));
    throw invalidParameter(
      `The parquet file is missing columns the model needs: ${pyList(missing.map((s) => s.name!))} ` +
        `(expected ${missing.map((s) => `${s.name}: ${describeType(s)}`).join(', ')}).` +
        (extra.length ? ` Columns in the file that the model does not use: ${pyList(extra)}.` : ''),
    );
  }
  const planned: PlannedColumn[] = [];
  for (const spec of specs) {
    const node = byName.get(spec.name!);
    if (!node) continue; // optional and absent
    const kind = parquetKind(node);
    if (!(ACCEPTS[spec.type] ?? []).includes(kind)) {
      throw invalidParameter(
        `Column '${spec.name}' of the parquet file is ${describeKind(node, kind)}, but the model ` +
          `signature expects ${describeType(spec)}.`,
      );
    }
    planned.push({ name: spec.name!, kind, spec });
  }
  return planned;
}
