/**
 * A chunk's predictions as named columns, for writers that store columns (parquet) rather than lines.
 * The columns and their names are the ones the CSV writer gives for the same prediction (score-chunk.ts):
 * a frame's own columns, the keys of the first record, or one `prediction` column for plain values.
 */
import type { Prediction } from '../flavors/loaded-model.ts';
import type { TypedArray } from '../input/model-input.ts';
import { predictionRows } from './score-chunk.ts';

export type OutputColumn = TypedArray | unknown[];

export interface OutputTable {
  names: string[];
  columns: OutputColumn[];
  rows: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

export function outputTable(p: Prediction, rows: number): OutputTable {
  if (p.kind === 'frame' && p.columns.length > 0) {
    return { names: [...p.columns], columns: p.values.slice(), rows: p.rows };
  }
  const outRows = predictionRows(p, rows);
  const first = outRows[0];
  if (isRecord(first)) {
    const names = Object.keys(first);
    const columns = names.map((name) => outRows.map((r) => (isRecord(r) ? (r[name] ?? null) : null)));
    return { names, columns, rows: outRows.length };
  }
  return { names: ['prediction'], columns: [outRows], rows: outRows.length };
}

/** The buffers of a table's typed columns, moved (not copied) when the table crosses threads. */
export function tableTransferables(t: OutputTable): ArrayBuffer[] {
  const seen = new Set<ArrayBuffer>();
  for (const c of t.columns) {
    if (Array.isArray(c)) continue;
    const typed = c as TypedArray;
    // Only a view over its whole buffer can move; a view into a shared buffer is cloned.
    if (typed.byteOffset === 0 && typed.byteLength === typed.buffer.byteLength)
      seen.add(typed.buffer as ArrayBuffer);
  }
  return [...seen];
}
