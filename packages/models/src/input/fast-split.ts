/**
 * A fast path for the most common scoring request: `{"dataframe_split": {"columns": [...], "data":
 * [[numbers...], ...]}}` for a model whose columns are all numeric. The text is scanned straight into one
 * typed array per column, without JSON.parse's per-row arrays and the untyped table prepareInput builds
 * from them (JSON.parse alone was ~10 % of the HTTP thread on 1,000-row requests, bench/RESULTS.md).
 *
 * It only ever says "here is the frame" or "not mine" (null): anything unusual — another key, `params`,
 * an escape in a column name, a null, a string, a missing column, a float for an integer column, bad
 * JSON — returns null and the request takes the general path, which produces MLflow's exact answers and
 * error messages. So this never changes what a request gets back, only how fast.
 */
import { columnNames, type Schema } from '../format/signature.ts';
import type { Column, Frame } from './model-input.ts';
import { growBuffer, numberEnd, scanNumber, scratchBuffer } from './scan-number.ts';

const NUMERIC_TYPES = new Set(['double', 'float', 'long', 'integer']);

/** No schema, or named columns that are all numeric: the only case the fast paths handle. */
export function numericSchema(schema: Schema | null): boolean {
  if (!schema) return true;
  return (
    schema.kind === 'column' &&
    columnNames(schema) !== null &&
    schema.specs.every((s) => NUMERIC_TYPES.has(s.type))
  );
}

class NotMine extends Error {}
const notMine = new NotMine();

/** The frame a numeric `dataframe_split` body describes, typed for `schema`; null when not applicable. */
export function fastSplitFrame(text: string, schema: Schema | null): Frame | null {
  if (!numericSchema(schema)) return null;
  let i = 0;
  const n = text.length;

  const ws = () => {
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return;
    }
  };
  const expect = (code: number) => {
    ws();
    if (text.charCodeAt(i) !== code) throw notMine;
    i++;
  };
  const peek = () => {
    ws();
    return text.charCodeAt(i);
  };
  /** A string without escapes (a name with one goes the general way). */
  const str = (): string => {
    expect(34);
    const start = i;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 34) return text.slice(start, i++);
      if (c === 92 || c < 32) throw notMine;
    }
    throw notMine;
  };
  const num = (): number => {
    const v = scanNumber(text, i, false);
    if (Number.isNaN(v)) throw notMine;
    i = numberEnd;
    return v;
  };

  let columns: string[] | null = null;
  let flat: Float64Array | null = null;
  let count = 0;
  let width = -1;
  try {
    expect(123);
    if (str() !== 'dataframe_split') return null;
    expect(58);
    expect(123);
    for (;;) {
      const key = str();
      expect(58);
      if (key === 'columns' && columns === null) {
        columns = [];
        expect(91);
        if (peek() === 93) i++;
        else {
          for (;;) {
            columns.push(str());
            if (peek() === 44) i++;
            else break;
          }
          expect(93);
        }
      } else if (key === 'data' && flat === null) {
        flat = scratchBuffer();
        expect(91);
        if (peek() === 93) return null; // no rows: the general path says what that means
        for (;;) {
          expect(91);
          let w = 0;
          for (;;) {
            ws();
            if (count === flat.length) flat = growBuffer(flat, count);
            flat[count++] = num();
            w++;
            if (peek() === 44) i++;
            else break;
          }
          expect(93);
          if (width === -1) width = w;
          else if (w !== width) return null;
          if (peek() === 44) i++;
          else break;
        }
        expect(93);
      } else return null;
      if (peek() === 44) i++;
      else break;
    }
    expect(125);
    expect(125);
    ws();
    if (i !== n || flat === null) return null;
  } catch (err) {
    if (err === notMine) return null;
    throw err;
  }
  return frameFromFlat(flat, count, width, columns, schema);
}

/**
 * A row-major table of `count` numbers, `width` per row → the frame `schema` asks for (columns picked,
 * ordered and typed as prepareInput would); null when the general path must decide (a missing column,
 * a duplicate name, a value its integer type cannot hold).
 */
export function frameFromFlat(
  flat: Float64Array,
  count: number,
  width: number,
  columns: string[] | null,
  schema: Schema | null,
): Frame | null {
  const rows = count / width;
  const names = columns ?? Array.from({ length: width }, (_, c) => String(c));
  if (names.length !== width || new Set(names).size !== width) return null;
  if (!schema) {
    const values = names.map((_, c) => column(flat, width, rows, c, 'double'));
    return { kind: 'frame', columns: names, values: values as Column[], rows };
  }
  if (schema.kind !== 'column') return null;
  const out: Frame = { kind: 'frame', columns: [], values: [], rows };
  for (const spec of schema.specs) {
    const c = names.indexOf(spec.name!);
    if (c === -1) {
      if (spec.required) return null; // the general path names what is missing
      continue;
    }
    const col = column(flat, width, rows, c, spec.type);
    if (!col) return null;
    out.columns.push(spec.name!);
    out.values.push(col);
  }
  return out;
}

/** Column c of a row-major table as the type's typed array; null when a value does not fit the type. */
function column(flat: Float64Array, width: number, rows: number, c: number, type: string): Column | null {
  if (type === 'double' || type === 'float') {
    const out = type === 'float' ? new Float32Array(rows) : new Float64Array(rows);
    for (let r = 0, at = c; r < rows; r++, at += width) out[r] = flat[at]!;
    return out;
  }
  // long travels as Float64Array (exact to 2^53, as in castColumn); integer as Int32Array.
  const out = type === 'integer' ? new Int32Array(rows) : new Float64Array(rows);
  for (let r = 0, at = c; r < rows; r++, at += width) {
    const v = flat[at]!;
    if (!Number.isInteger(v) || (type === 'integer' && (v > 2147483647 || v < -2147483648))) return null;
    out[r] = v;
  }
  return out;
}
