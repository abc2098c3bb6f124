/**
 * Batch prediction of one text chunk (whole CSV or JSON-lines rows): parse, enforce the signature,
 * predict, and format the rows of output. Runs on an inference thread, so `models predict` parses and
 * formats on every core, not just the main one.
 */

import { badRequest } from '../errors.ts';
import type { LoadedModel, Prediction } from '../flavors/loaded-model.ts';
import { CsvParser, csvRowsToValues } from '../input/csv.ts';
import { enforceParams } from '../input/enforce-params.ts';
import { fastCsvFrame } from '../input/fast-csv.ts';
import type { Frame, ModelInput } from '../input/model-input.ts';
import type { ParsedData } from '../input/parse-request.ts';
import { prepareInput } from '../input/prepare-input.ts';
import { columnCells, frameRowsJson, jsonValue } from '../output/format-predictions.ts';

/** parquet output leaves the thread as columns (output-table.ts), the others as text lines. */
export type OutputFormat = 'csv' | 'jsonl' | 'parquet';

export interface ChunkJob {
  text: string;
  inputFormat: 'csv' | 'jsonl';
  /** CSV column names (the file's header row), read by the main thread. */
  header: string[] | null;
  outputFormat: 'csv' | 'jsonl';
  /** Write the CSV header line before the rows (first chunk only). */
  withHeader: boolean;
  /** 1-based line number of the chunk's first row, for error messages. */
  firstLine: number;
}

/** A chunk as it travels to an inference thread: the rows as UTF-8 bytes (moved, not copied). */
export type ChunkBytesJob = Omit<ChunkJob, 'text' | 'outputFormat'> & {
  bytes: Uint8Array;
  outputFormat: OutputFormat;
};

export interface ChunkTextResult {
  out: string;
  rows: number;
}

function parseChunk(job: Omit<ChunkJob, 'outputFormat'>): ParsedData {
  if (job.inputFormat === 'csv') {
    const width = job.header!.length;
    let rows: (string | null)[][];
    if (!job.text.includes('"')) {
      // Fast path: no quoting, so a row is a line and a field is between commas.
      rows = [];
      for (const line of job.text.split('\n')) {
        const l = line.endsWith('\r') ? line.slice(0, -1) : line;
        if (l !== '') rows.push(l.split(',').map((f) => (f === '' ? null : f)));
      }
    } else {
      const p = new CsvParser();
      rows = [...p.push(job.text), ...p.end()];
    }
    return { kind: 'rows', columns: job.header, data: csvRowsToValues(rows, width) };
  }
  const records: Record<string, unknown>[] = [];
  const lines = job.text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch {
      throw badRequest(`Line ${job.firstLine + i} is not valid JSON.`);
    }
    if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) {
      throw badRequest(`Line ${job.firstLine + i} must be a JSON object (one record per line).`);
    }
    records.push(rec as Record<string, unknown>);
  }
  return { kind: 'records', records };
}

/** One output row per input row: a record for frames and dicts, the value itself otherwise. */
export function predictionRows(p: Prediction, rows: number): unknown[] {
  switch (p.kind) {
    case 'frame':
      return Array.from({ length: p.rows }, (_, r) =>
        Object.fromEntries(p.columns.map((c, i) => [c, p.values[i]![r]])),
      );
    case 'tensor': {
      const n = p.dims[0] ?? 1;
      const stride = n === 0 ? 0 : p.data.length / n;
      return Array.from({ length: n }, (_, r) =>
        stride === 1
          ? p.data[r]
          : Array.from(p.data.slice(r * stride, (r + 1) * stride) as ArrayLike<unknown>),
      );
    }
    case 'tensors': {
      const names = Object.keys(p.tensors);
      const cols = names.map((k) => predictionRows(p.tensors[k]!, rows));
      return Array.from({ length: rows }, (_, r) =>
        Object.fromEntries(names.map((k, i) => [k, cols[i]![r]])),
      );
    }
    default:
      return Array.isArray(p.value) ? p.value : [p.value];
  }
}

function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isNaN(v) ? '' : String(v);
  const s = typeof v === 'string' ? v : jsonValue(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A frame's output lines, built column by column (the same text as the per-row path below). */
export function frameLines(f: Frame, format: 'csv' | 'jsonl', withHeader: boolean): string[] {
  if (format === 'jsonl') return frameRowsJson(f);
  const cells = f.values.map((col) => {
    const json = columnCells(col, f.rows);
    if (!Array.isArray(col))
      return typeof col[0] === 'bigint' ? json : json.map((s) => (s === 'NaN' ? '' : s));
    // A list of numbers is its JSON text, quoted when it holds a comma (2+ items: numbers have no
    // quotes or line ends); anything else as csvField writes it.
    return col.map((v, r) =>
      Array.isArray(v) && v.every((x) => typeof x === 'number')
        ? v.length > 1
          ? `"${json[r]}"`
          : json[r]!
        : csvField(v),
    );
  });
  const lines: string[] = withHeader ? [f.columns.map(csvField).join(',')] : [];
  for (let r = 0; r < f.rows; r++) {
    let s = '';
    for (let c = 0; c < cells.length; c++) s += (c ? ',' : '') + cells[c]![r];
    lines.push(s);
  }
  return lines;
}

export function chunkInput(model: LoadedModel, job: Omit<ChunkJob, 'outputFormat'>): ModelInput {
  const schema = model.metadata.signature?.inputs ?? null;
  const fast = job.inputFormat === 'csv' ? fastCsvFrame(job.text, job.header!, schema) : null;
  return fast ?? prepareInput(parseChunk(job), schema);
}

/** Runs the model on one chunk's input (a frame, or a tensor for tensor signatures). */
export async function predictChunk(
  model: LoadedModel,
  input: ModelInput,
): Promise<{ prediction: Prediction; rows: number }> {
  const rows = input.kind === 'frame' ? input.rows : 1;
  const sig = model.metadata.signature;
  return { prediction: await model.predict(input, enforceParams(null, sig?.params ?? null)), rows };
}

/** A chunk's predictions as CSV or JSON lines. */
export function predictionText(
  prediction: Prediction,
  rows: number,
  format: 'csv' | 'jsonl',
  withHeader: boolean,
): ChunkTextResult {
  if (prediction.kind === 'frame' && prediction.columns.length > 0) {
    const lines = frameLines(prediction, format, withHeader);
    return { out: lines.length ? `${lines.join('\n')}\n` : '', rows: prediction.rows };
  }
  const outRows = predictionRows(prediction, rows);
  const lines = rowLines(outRows, format, withHeader);
  return { out: lines.length ? `${lines.join('\n')}\n` : '', rows: outRows.length };
}

/** A text chunk scored to text (the CSV / JSON-lines path; parquet output goes through score-job.ts). */
export async function scoreChunk(model: LoadedModel, job: ChunkJob): Promise<ChunkTextResult> {
  const input = chunkInput(model, job);
  if ((input.kind === 'frame' ? input.rows : 1) === 0) return { out: '', rows: 0 };
  const { prediction, rows } = await predictChunk(model, input);
  return predictionText(prediction, rows, job.outputFormat, job.withHeader);
}

/** Output lines from per-row values (records or plain values): the general path. */
export function rowLines(outRows: unknown[], format: 'csv' | 'jsonl', withHeader: boolean): string[] {
  const lines: string[] = [];
  if (format === 'jsonl') {
    for (const r of outRows) lines.push(jsonValue(r));
    return lines;
  }
  const first = outRows[0];
  const columns = isRecord(first) ? Object.keys(first) : null;
  if (withHeader) lines.push(columns ? columns.map(csvField).join(',') : 'prediction');
  for (const r of outRows) {
    lines.push(columns && isRecord(r) ? columns.map((c) => csvField(r[c])).join(',') : csvField(r));
  }
  return lines;
}
