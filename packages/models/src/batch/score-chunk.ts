/**
 * Batch prediction of one text chunk (whole CSV or JSON-lines rows): parse, enforce the signature,
 * predict, and format the rows of output. Runs on an inference thread, so `models predict` parses and
 * formats on every core, not just the main one.
 */

import { badRequest } from '../errors.ts';
import type { LoadedModel, Prediction } from '../flavors/loaded-model.ts';
import { CsvParser, csvRowsToValues } from '../input/csv.ts';
import { enforceParams } from '../input/enforce-params.ts';
import type { ParsedData } from '../input/parse-request.ts';
import { prepareInput } from '../input/prepare-input.ts';
import { jsonValue } from '../output/format-predictions.ts';

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

export interface ChunkResult {
  out: string;
  rows: number;
}

function parseChunk(job: ChunkJob): ParsedData {
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

export async function scoreChunk(model: LoadedModel, job: ChunkJob): Promise<ChunkResult> {
  const sig = model.metadata.signature;
  const input = prepareInput(parseChunk(job), sig?.inputs ?? null);
  const rows = input.kind === 'frame' ? input.rows : 1;
  if (rows === 0) return { out: '', rows: 0 };
  const prediction = await model.predict(input, enforceParams(null, sig?.params ?? null));
  const outRows = predictionRows(prediction, rows);
  const lines: string[] = [];
  if (job.outputFormat === 'jsonl') {
    for (const r of outRows) lines.push(jsonValue(r));
  } else {
    const first = outRows[0];
    const columns = isRecord(first) ? Object.keys(first) : null;
    if (job.withHeader) lines.push(columns ? columns.map(csvField).join(',') : 'prediction');
    for (const r of outRows) {
      lines.push(columns && isRecord(r) ? columns.map((c) => csvField(r[c])).join(',') : csvField(r));
    }
  }
  return { out: lines.length ? `${lines.join('\n')}\n` : '', rows: outRows.length };
}
