/**
 * Predictions → the response text, as MLflow's scoring server writes it (spec §6.4): `{"predictions": ...}`
 * with Python's json separators; a frame as records, a tensor as nested lists, a dict of tensors as
 * {name: nested lists}. NaN/Infinity are written bare, as Python's json module does. Built as one string
 * without intermediate objects: for 1000-row answers this is most of the serving cost.
 */
import type { Prediction } from '../flavors/loaded-model.ts';
import { pythonJson } from '../format/python-json.ts';
import type { Frame, Tensor, TypedArray } from '../input/model-input.ts';

function num(n: number): string {
  if (Number.isFinite(n)) return String(n);
  return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
}

export function jsonValue(v: unknown): string {
  if (typeof v === 'number') return num(v);
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return JSON.stringify(Buffer.from(v).toString('base64'));
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  if (ArrayBuffer.isView(v)) return listOf(v as unknown as ArrayLike<unknown>);
  if (Array.isArray(v)) return listOf(v);
  if (typeof v === 'object' && v !== null) {
    const parts: string[] = [];
    for (const [k, x] of Object.entries(v))
      if (x !== undefined) parts.push(`${JSON.stringify(k)}: ${jsonValue(x)}`);
    return `{${parts.join(', ')}}`;
  }
  return pythonJson(v);
}

function listOf(a: ArrayLike<unknown>): string {
  let s = '[';
  for (let i = 0; i < a.length; i++) s += (i ? ', ' : '') + jsonValue(a[i]);
  return `${s}]`;
}

/** One column's cells as JSON text. Typed columns and lists of numbers (ONNX (rows, k) outputs) get
 * monomorphic loops: the generic jsonValue per cell was the top item of a 1,000-row answer's profile. */
export function columnCells(col: Frame['values'][number], rows: number): string[] {
  const out: string[] = new Array(rows);
  if (!Array.isArray(col)) {
    // A flavor may hand back int64 outputs as BigInt64Array whatever the Column type says.
    const typed = col as ArrayLike<number | bigint>;
    const big = typeof typed[0] === 'bigint';
    for (let r = 0; r < rows; r++) out[r] = big ? jsonValue(typed[r]) : num(typed[r] as number);
    return out;
  }
  for (let r = 0; r < rows; r++) {
    const v = col[r];
    if (Array.isArray(v) && v.every((x) => typeof x === 'number')) {
      let s = '[';
      for (let k = 0; k < v.length; k++) s += (k ? ', ' : '') + num(v[k] as number);
      out[r] = `${s}]`;
    } else out[r] = jsonValue(v);
  }
  return out;
}

/** Each row of a frame as a JSON record, `{"col": value, ...}` with Python's separators. */
export function frameRowsJson(f: Frame): string[] {
  const keys = f.columns.map((c, i) => `${i ? ', ' : '{'}${JSON.stringify(c)}: `);
  const cells = f.values.map((col) => columnCells(col, f.rows));
  const parts: string[] = new Array(f.rows);
  for (let r = 0; r < f.rows; r++) {
    let s = keys.length ? '' : '{';
    for (let c = 0; c < keys.length; c++) s += keys[c]! + cells[c]![r]!;
    parts[r] = `${s}}`;
  }
  return parts;
}

function frameRecords(f: Frame): string {
  return `[${frameRowsJson(f).join(', ')}]`;
}

function nested(
  data: TypedArray | unknown[],
  dims: readonly number[],
  depth: number,
  offset: number,
): string {
  if (dims.length === 0) return jsonValue(data[0]);
  const n = dims[depth]!;
  if (depth === dims.length - 1) {
    let s = '[';
    for (let i = 0; i < n; i++) s += (i ? ', ' : '') + jsonValue(data[offset + i]);
    return `${s}]`;
  }
  let stride = 1;
  for (let d = depth + 1; d < dims.length; d++) stride *= dims[d]!;
  const parts: string[] = new Array(n);
  for (let i = 0; i < n; i++) parts[i] = nested(data, dims, depth + 1, offset + i * stride);
  return `[${parts.join(', ')}]`;
}

export function tensorJson(t: Tensor): string {
  return nested(t.data, t.dims, 0, 0);
}

export function predictionJson(p: Prediction): string {
  switch (p.kind) {
    case 'frame':
      return frameRecords(p);
    case 'tensor':
      return tensorJson(p);
    case 'tensors':
      return `{${Object.entries(p.tensors)
        .map(([k, t]) => `${JSON.stringify(k)}: ${tensorJson(t)}`)
        .join(', ')}}`;
    default:
      return jsonValue(p.value);
  }
}

/** The /invocations body; `unwrapped` for unified-LLM requests, whose output is returned as is. */
export function responseBody(p: Prediction, unwrapped = false): string {
  const inner = predictionJson(p);
  return unwrapped ? inner : `{"predictions": ${inner}}`;
}
