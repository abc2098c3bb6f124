/**
 * `models predict` streaming: the input is cut into chunks of whole rows (~1 MB of text), each scored on
 * an inference thread (parse, predict, format), and the outputs written in input order. At most
 * `maxInFlight` chunks are in memory at once and reading waits for writing, so memory stays flat
 * whatever the file size.
 */
import { badRequest } from '../errors.ts';
import type { WorkerPool } from '../serving/worker-pool.ts';
import type { ChunkResult } from './score-chunk.ts';

export interface PredictStreamOptions {
  pool: WorkerPool;
  input: AsyncIterable<string | Buffer>;
  inputFormat: 'csv' | 'jsonl';
  outputFormat: 'csv' | 'jsonl';
  write: (text: string) => Promise<void>;
  chunkBytes?: number;
  maxInFlight?: number;
  onProgress?: (bytesRead: number, rowsWritten: number) => void;
}

/** Index just after the last line end that is outside a quoted CSV field, or -1. */
export function lastRowEnd(text: string, csv: boolean): number {
  if (!csv || !text.includes('"')) return text.lastIndexOf('\n') + 1 || -1;
  let inQuotes = false;
  let end = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34)
      inQuotes = !inQuotes; // a doubled quote toggles twice
    else if (c === 10 && !inQuotes) end = i + 1;
  }
  return end;
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

export async function predictStream(options: PredictStreamOptions): Promise<{ rows: number }> {
  const csv = options.inputFormat === 'csv';
  const chunkBytes = options.chunkBytes ?? 1 << 20;
  const maxInFlight = options.maxInFlight ?? options.pool.size * 2;
  const inFlight: Promise<ChunkResult>[] = [];
  let header: string[] | null = null;
  let buffer = '';
  let bytes = 0;
  let rows = 0;
  let line = 1;
  let first = true;

  const drainOne = async () => {
    const result = await inFlight.shift()!;
    if (result.out) await options.write(result.out);
    rows += result.rows;
    options.onProgress?.(bytes, rows);
  };

  const submit = async (text: string) => {
    if (csv && header === null) {
      const nl = lastRowEnd(text.slice(0, text.indexOf('\n') + 1), true);
      const headerLine = text.slice(0, nl === -1 ? text.length : nl).replace(/\r?\n$/, '');
      if (headerLine.trim() === '') throw badRequest('The CSV input has no header row.');
      header = headerLine.split(',').map((h) => h.replace(/^"(.*)"$/, '$1'));
      text = text.slice(headerLine.length + 1);
      line++;
    }
    if (text === '') return;
    const job = {
      text,
      inputFormat: options.inputFormat,
      header,
      outputFormat: options.outputFormat,
      withHeader: first,
      firstLine: line,
    };
    first = false;
    line += countLines(text);
    inFlight.push(options.pool.runChunk(job));
    if (inFlight.length >= maxInFlight) await drainOne();
  };

  for await (const piece of options.input) {
    const s = typeof piece === 'string' ? piece : piece.toString('utf8');
    bytes += Buffer.byteLength(s);
    buffer += s;
    if (buffer.length < chunkBytes) continue;
    const cut = lastRowEnd(buffer, csv);
    if (cut <= 0) continue;
    const text = buffer.slice(0, cut);
    buffer = buffer.slice(cut);
    await submit(text);
  }
  if (buffer !== '') await submit(buffer.endsWith('\n') ? buffer : `${buffer}\n`);
  while (inFlight.length) await drainOne();
  return { rows };
}
