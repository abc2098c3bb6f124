/**
 * CSV or JSON-lines input as chunks of whole rows (64 KB of bytes by default, see predict-stream.ts for
 * why). Chunks stay bytes, cut at line ends on the main thread without decoding: the threads decode.
 */
import { badRequest } from '../errors.ts';
import type { OutputFormat } from './score-chunk.ts';
import type { JobSource, ScoreJob } from './score-job.ts';

/** Index just after the last line end that is outside a quoted CSV field, or -1. Works on bytes: quotes
 * and line ends are ASCII, and UTF-8 never uses bytes below 128 inside a multi-byte character. */
export function lastRowEnd(bytes: Uint8Array, csv: boolean): number {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!csv || buf.indexOf(34) === -1) return buf.lastIndexOf(10) + 1 || -1;
  let inQuotes = false;
  let end = -1;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (c === 34)
      inQuotes = !inQuotes; // a doubled quote toggles twice
    else if (c === 10 && !inQuotes) end = i + 1;
  }
  return end;
}

function countLines(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
  return n;
}

export function textSource(
  input: AsyncIterable<string | Buffer>,
  options: {
    inputFormat: 'csv' | 'jsonl';
    outputFormat: OutputFormat;
    chunkBytes: number;
    totalBytes: number;
  },
): JobSource {
  const csv = options.inputFormat === 'csv';
  async function* jobs(): AsyncGenerator<{ job: ScoreJob; progress: number }> {
    let header: string[] | null = null;
    let pending: Buffer = Buffer.alloc(0);
    let bytes = 0;
    let line = 1;
    let first = true;

    function toJob(chunk: Buffer): ScoreJob | null {
      if (csv && header === null) {
        const nl = chunk.indexOf(10);
        const headerLine = chunk.toString('utf8', 0, nl === -1 ? chunk.length : nl).replace(/\r$/, '');
        if (headerLine.trim() === '') throw badRequest('The CSV input has no header row.');
        header = headerLine.split(',').map((h) => h.replace(/^"(.*)"$/, '$1'));
        chunk = chunk.subarray(nl === -1 ? chunk.length : nl + 1);
        line++;
      }
      if (chunk.length === 0) return null;
      const job: ScoreJob = {
        kind: 'text',
        // A copy that owns its memory, so it moves to the thread instead of being cloned.
        bytes: new Uint8Array(chunk),
        inputFormat: options.inputFormat,
        header,
        outputFormat: options.outputFormat,
        withHeader: first,
        firstLine: line,
      };
      first = false;
      line += countLines(chunk);
      return job;
    }

    for await (const piece of input) {
      const b = typeof piece === 'string' ? Buffer.from(piece) : piece;
      bytes += b.length;
      pending = pending.length ? Buffer.concat([pending, b]) : b;
      if (pending.length < options.chunkBytes) continue;
      const cut = lastRowEnd(pending, csv);
      if (cut <= 0) continue;
      const job = toJob(pending.subarray(0, cut));
      pending = pending.subarray(cut);
      if (job) yield { job, progress: bytes };
    }
    if (pending.length) {
      const last = pending[pending.length - 1] === 10 ? pending : Buffer.concat([pending, Buffer.from('\n')]);
      const job = toJob(last);
      if (job) yield { job, progress: bytes };
    }
  }
  return { total: options.totalBytes, jobs, close: async () => {} };
}
