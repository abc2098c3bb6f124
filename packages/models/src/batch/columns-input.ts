/**
 * A chunk of parquet rows, as decoded columns, turned into what the model receives. Runs on an
 * inference thread. With a named signature the planned columns (parquet-plan.ts, types already checked)
 * go straight into typed columns; otherwise the chunk becomes rows and takes the general path
 * (prepareInput), exactly as a CSV chunk does.
 */

import { invalidParameter } from '../errors.ts';
import type { Schema } from '../format/signature.ts';
import { castColumn, nullInRequired } from '../input/cast-column.ts';
import type { Column, ModelInput, TypedArray } from '../input/model-input.ts';
import { prepareInput } from '../input/prepare-input.ts';
import type { PlannedColumn } from './parquet-plan.ts';
import type { OutputFormat } from './score-chunk.ts';

/** One column of a chunk as the parquet reader decoded it: typed when the file column has no nulls. */
export type DecodedColumn = TypedArray | unknown[];

export interface ColumnsJob {
  columns: PlannedColumn[];
  values: DecodedColumn[];
  rows: number;
  /** 0-based index of the chunk's first row in the file, for error messages. */
  firstRow: number;
  outputFormat: OutputFormat;
  withHeader: boolean;
}

const decoder = new TextDecoder();

/** int64 is decoded as bigint; the frame carries it as a double (exact to 2^53, as for JSON input). */
function plain(v: unknown): unknown {
  return typeof v === 'bigint' ? Number(v) : v;
}

function numbers(values: DecodedColumn, col: PlannedColumn, firstRow: number): Float64Array | Float32Array {
  const spec = col.spec!;
  const n = values.length;
  const out = spec.type === 'float' ? new Float32Array(n) : new Float64Array(n);
  if (values instanceof Float64Array || values instanceof Float32Array || values instanceof Int32Array) {
    out.set(values);
    return out;
  }
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      if (spec.required) throw nullInRequired(col.name, spec, firstRow + i);
      out[i] = Number.NaN;
    } else out[i] = Number(v);
  }
  return out;
}

function int32(values: DecodedColumn, col: PlannedColumn, firstRow: number): Int32Array {
  if (values instanceof Int32Array) return values.slice();
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    // int32 has no NaN, so even an optional integer column cannot hold a null (as castColumn).
    if (v === null || v === undefined) throw nullInRequired(col.name, col.spec!, firstRow + i);
    out[i] = Number(v);
  }
  return out;
}

function others(values: DecodedColumn, col: PlannedColumn, firstRow: number): Column {
  const spec = col.spec!;
  const out: unknown[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    let v: unknown = values[i];
    if (v === null || v === undefined) {
      if (spec.required) throw nullInRequired(col.name, spec, firstRow + i);
      out[i] = null;
      continue;
    }
    if (spec.type === 'string' && v instanceof Uint8Array) v = decoder.decode(v);
    out[i] = v;
  }
  // Nested values (lists, structs, maps) are checked element by element as for JSON input.
  return ['array', 'object', 'map'].includes(spec.type) ? castColumn(out, spec, col.name) : out;
}

function typedColumn(values: DecodedColumn, col: PlannedColumn, firstRow: number): Column {
  switch (col.spec!.type) {
    case 'double':
    case 'float':
    case 'long':
      return numbers(values, col, firstRow);
    case 'integer':
      return int32(values, col, firstRow);
    default:
      return others(values, col, firstRow);
  }
}

export function columnsInput(job: ColumnsJob, schema: Schema | null): ModelInput {
  if (job.values.length !== job.columns.length || job.values.some((v) => v.length !== job.rows)) {
    throw invalidParameter('A parquet chunk has columns of different lengths.');
  }
  if (job.columns.length > 0 && job.columns.every((c) => c.spec !== null)) {
    return {
      kind: 'frame',
      columns: job.columns.map((c) => c.name),
      values: job.columns.map((c, i) => typedColumn(job.values[i]!, c, job.firstRow)),
      rows: job.rows,
    };
  }
  // No named signature: rows of plain values through the general enforcement (inference, tensors).
  const data: unknown[][] = new Array(job.rows);
  for (let r = 0; r < job.rows; r++) data[r] = job.values.map((col) => plain(col[r]) ?? null);
  return prepareInput({ kind: 'rows', columns: job.columns.map((c) => c.name), data }, schema);
}
