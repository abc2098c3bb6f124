/**
 * Parsed request data + the model's input schema → the typed ModelInput the flavor receives (spec §6.5):
 * named columns are checked for presence, extras dropped, reordered to schema order and cast; tensors
 * are cast to the spec dtype and shape-checked. Without a schema, types are inferred as pandas/numpy
 * would (numbers → float64 columns, nested lists → tensors).
 */
import { invalidParameter } from '../errors.ts';
import { type ColSpec, columnNames, type Schema, type TensorSpec } from '../format/signature.ts';
import { castColumn } from './cast-column.ts';
import type { Column, Frame, ModelInput, Tensor, TensorDict } from './model-input.ts';
import type { ParsedData } from './parse-request.ts';
import { checkShape, dimsOf, flatten, inferDtype, toTensor } from './tensor.ts';

/** Untyped columns by name, in first-seen order. */
interface Table {
  names: string[];
  columns: unknown[][];
  rows: number;
}

const pyList = (names: readonly string[]) => `[${names.map((n) => `'${n}'`).join(', ')}]`;

function tableFromData(data: ParsedData, schema: Schema | null): Table | null {
  switch (data.kind) {
    case 'rows': {
      const width = data.data.reduce((w, r) => Math.max(w, r.length), 0);
      // Without column names, a named schema names the columns by position.
      const named = columnNames(schema);
      const names =
        data.columns ??
        Array.from({ length: width }, (_, i) => (named && i < named.length ? named[i]! : String(i)));
      const columns = names.map((_, c) => {
        const col = new Array(data.data.length);
        for (let r = 0; r < data.data.length; r++) col[r] = data.data[r]![c] ?? null;
        return col;
      });
      return { names, columns, rows: data.data.length };
    }
    case 'records': {
      const index = new Map<string, number>();
      const columns: unknown[][] = [];
      const n = data.records.length;
      data.records.forEach((rec, r) => {
        for (const [k, v] of Object.entries(rec)) {
          let c = index.get(k);
          if (c === undefined) {
            c = columns.length;
            index.set(k, c);
            columns.push(new Array(n).fill(null));
          }
          columns[c]![r] = v;
        }
      });
      return { names: [...index.keys()], columns, rows: n };
    }
    case 'columnar': {
      if (schema?.kind !== 'column') return null; // a dict of tensors
      const names = Object.keys(data.columns);
      const columns = names.map((k) => {
        const v = data.columns[k];
        return Array.isArray(v) ? v : [v];
      });
      const rows = columns[0]?.length ?? 0;
      columns.forEach((c, i) => {
        if (c.length !== rows) {
          throw invalidParameter(
            `All columns must have the same length: '${names[0]}' has ${rows} values, '${names[i]}' has ${c.length}.`,
          );
        }
      });
      return { names, columns, rows };
    }
    default:
      return null;
  }
}

export function prepareInput(data: ParsedData, schema: Schema | null): ModelInput {
  const table = tableFromData(data, schema);
  if (table) {
    if (schema?.kind === 'tensor') return tableToTensors(table, schema.specs);
    return schema ? enforceColumns(table, schema.specs) : inferFrame(table);
  }
  if (data.kind === 'columnar') {
    const dict: TensorDict = { kind: 'tensors', tensors: {} };
    for (const [k, v] of Object.entries(data.columns)) dict.tensors[k] = nestedToTensor(v, k, null);
    if (schema?.kind === 'tensor') enforceTensorDict(dict, schema.specs);
    return dict;
  }
  if (data.kind === 'nested') {
    if (schema?.kind === 'tensor') {
      if (schema.specs.length !== 1) {
        const names = schema.specs.map((s) => s.name ?? '?');
        throw invalidParameter(
          `This model takes ${names.length} named tensors ${pyList(names)}: send {"inputs": {"name": [...]}}.`,
        );
      }
      const spec = schema.specs[0]!;
      const t = nestedToTensor(data.value, spec.name ?? 'input', spec.dtype);
      checkShape(t.dims, spec.shape, spec.name ?? 'input');
      return t;
    }
    if (schema?.kind === 'column') {
      const names = columnNames(schema);
      if (schema.specs.length === 1 && dimsOf(data.value).length === 1) {
        return enforceColumns(
          { names: [names?.[0] ?? '0'], columns: [data.value], rows: data.value.length },
          schema.specs,
        );
      }
      throw invalidParameter(
        `This model has a column-based signature${names ? ` with columns ${pyList(names)}` : ''}: send named ` +
          'columns (dataframe_split, dataframe_records, or records / a {column: values} dict in instances ' +
          'or inputs), not a list of lists.',
      );
    }
    return nestedToTensor(data.value, 'input', null);
  }
  return { kind: 'raw', value: data.kind === 'raw' ? data.value : null };
}

function nestedToTensor(value: unknown, name: string, dtype: string | null): Tensor {
  const v = Array.isArray(value) ? value : [value];
  const dims = Array.isArray(value) ? dimsOf(v) : [1];
  const flat = flatten(v, dims, name);
  return toTensor(flat, dims, dtype ?? inferDtype(flat), name);
}

function enforceColumns(table: Table, specs: ColSpec[]): Frame {
  const named = specs.every((s) => s.name !== undefined);
  const values: Column[] = [];
  const columns: string[] = [];
  if (!named) {
    // Unnamed schema: the first n columns, by position.
    if (table.names.length < specs.length) {
      throw invalidParameter(
        `Failed to enforce schema of data: the model expects ${specs.length} columns, got ${table.names.length}.`,
      );
    }
    specs.forEach((spec, i) => {
      columns.push(table.names[i]!);
      values.push(castColumn(table.columns[i]!, spec, table.names[i]!));
    });
    return { kind: 'frame', columns, values, rows: table.rows };
  }
  const index = new Map(table.names.map((n, i) => [n, i]));
  const missing = specs.filter((s) => s.required && !index.has(s.name!)).map((s) => s.name!);
  if (missing.length) {
    const known = new Set(specs.map((s) => s.name));
    const extra = table.names.filter((n) => !known.has(n));
    const types = specs.filter((s) => missing.includes(s.name!)).map((s) => `${s.name}: ${s.type}`);
    throw invalidParameter(
      `Model is missing inputs ${pyList(missing)} (expected ${types.join(', ')}).` +
        (extra.length ? ` Note that there were extra inputs: ${pyList(extra)}` : ''),
    );
  }
  for (const spec of specs) {
    const i = index.get(spec.name!);
    if (i === undefined) continue; // optional and absent
    columns.push(spec.name!);
    values.push(castColumn(table.columns[i]!, spec, spec.name!));
  }
  return { kind: 'frame', columns, values, rows: table.rows };
}

function inferFrame(table: Table): Frame {
  const values: Column[] = table.columns.map((col) => {
    if (col.every((v) => typeof v === 'number' || v === null)) {
      return Float64Array.from(col, (v) => (v === null ? Number.NaN : (v as number)));
    }
    return col;
  });
  return { kind: 'frame', columns: table.names, values, rows: table.rows };
}

function tableToTensors(table: Table, specs: TensorSpec[]): Tensor | TensorDict {
  if (specs.length === 1 && specs[0]!.name === undefined) {
    // A frame for a single unnamed tensor needs shape (-1, n_columns) (spec §6.5).
    const spec = specs[0]!;
    const flat = new Array(table.rows * table.names.length);
    for (let r = 0; r < table.rows; r++) {
      for (let c = 0; c < table.names.length; c++) flat[r * table.names.length + c] = table.columns[c]![r];
    }
    const dims = [table.rows, table.names.length];
    checkShape(dims, spec.shape, 'input');
    return toTensor(flat, dims, spec.dtype, 'input');
  }
  const dict: TensorDict = { kind: 'tensors', tensors: {} };
  table.names.forEach((n, c) => {
    dict.tensors[n] = toTensor(table.columns[c]!, [table.rows], 'object', n);
  });
  enforceTensorDict(dict, specs, table.rows);
  return dict;
}

function enforceTensorDict(dict: TensorDict, specs: TensorSpec[], frameRows?: number): void {
  const missing = specs.filter((s) => s.name !== undefined && !(s.name in dict.tensors)).map((s) => s.name!);
  if (missing.length) throw invalidParameter(`Model is missing inputs ${pyList(missing)}.`);
  const out: Record<string, Tensor> = {};
  for (const spec of specs) {
    const name = spec.name ?? Object.keys(dict.tensors)[0]!;
    const t = dict.tensors[name]!;
    let dims = t.dims;
    // A frame column feeding a (-1, 1) tensor is a column vector.
    if (frameRows !== undefined && spec.shape.length === 2 && spec.shape[1] === 1) dims = [frameRows, 1];
    checkShape(dims, spec.shape, name);
    out[name] = toTensor(t.data as unknown[], dims, spec.dtype, name);
  }
  dict.tensors = out; // extra tensors are dropped, as extra columns are
}
