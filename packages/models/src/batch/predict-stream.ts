/**
 * `models predict` streaming: the input is cut into chunks of whole rows — 64 KB of CSV / JSON-lines
 * bytes (text-chunks.ts) or ~4k rows of a parquet row group (parquet-chunks.ts) — each scored on an
 * inference thread (decode or convert, predict, format), and the outputs written in input order: text
 * as it comes back, parquet gathered into bounded row groups (parquet-sink.ts). At most `maxInFlight`
 * chunks are in memory at once and reading waits for writing, so memory stays flat whatever the file
 * size; the main thread only reads, dispatches and writes.
 *
 * Why 64 KB (bench/RESULTS.md, 1M-row CSV, one thread): 1 MB chunks ran at ~590k rows/s with ~500 MB
 * RSS — each chunk's intermediates outlived the young generation and were promoted, and GC took ~30 %
 * of the threads — while 16–128 KB chunks ran at 0.94–1.1M rows/s with ~250 MB.
 */
import type { WorkerPool } from '../serving/worker-pool.ts';
import { openParquetSource } from './parquet-chunks.ts';
import { DEFAULT_ROW_GROUP_ROWS, ParquetSink } from './parquet-sink.ts';
import type { OutputFormat } from './score-chunk.ts';
import type { ChunkResult, JobSource } from './score-job.ts';
import { textSource } from './text-chunks.ts';

export { lastRowEnd } from './text-chunks.ts';

export const DEFAULT_CHUNK_BYTES = 64 * 1024;
/** Parquet chunks: 4096 rows, about what 64 KB of 4-column numeric CSV holds. */
export const DEFAULT_CHUNK_ROWS = 4096;

export type InputFormat = 'csv' | 'jsonl' | 'parquet';

export interface PredictStreamOptions {
  pool: WorkerPool;
  /** CSV or JSON-lines bytes (a file or stdin). */
  input?: AsyncIterable<string | Buffer>;
  /** A parquet file: it is read by row group from the footer's offsets, so it needs a path. */
  inputPath?: string;
  inputFormat: InputFormat;
  outputFormat: OutputFormat;
  write: (bytes: Uint8Array) => Promise<void>;
  chunkBytes?: number;
  chunkRows?: number;
  rowGroupRows?: number;
  maxInFlight?: number;
  /** Size of the text input for the progress total (0: unknown, e.g. stdin). */
  totalBytes?: number;
  onProgress?: (done: number, rowsWritten: number, total: number) => void;
}

async function openSource(options: PredictStreamOptions): Promise<JobSource> {
  if (options.inputFormat === 'parquet') {
    if (!options.inputPath)
      throw new Error('Parquet input needs a file path (it cannot be read from stdin).');
    return openParquetSource(options.inputPath, options.pool.info.inputSchema, {
      outputFormat: options.outputFormat,
      chunkRows: options.chunkRows ?? DEFAULT_CHUNK_ROWS,
    });
  }
  if (!options.input) throw new Error(`${options.inputFormat} input needs a stream`);
  return textSource(options.input, {
    inputFormat: options.inputFormat,
    outputFormat: options.outputFormat,
    chunkBytes: options.chunkBytes ?? DEFAULT_CHUNK_BYTES,
    totalBytes: options.totalBytes ?? 0,
  });
}

export async function predictStream(options: PredictStreamOptions): Promise<{ rows: number }> {
  const maxInFlight = options.maxInFlight ?? options.pool.size * 2;
  const source = await openSource(options);
  const parquet =
    options.outputFormat === 'parquet'
      ? new ParquetSink(options.write, options.rowGroupRows ?? DEFAULT_ROW_GROUP_ROWS)
      : null;
  const inFlight: Promise<ChunkResult>[] = [];
  let rows = 0;
  let progress = 0;

  const drainOne = async () => {
    const result = await inFlight.shift()!;
    if (parquet) {
      if (result.table) await parquet.add(result.table);
    } else if (result.out.byteLength) await options.write(result.out);
    rows += result.rows;
    options.onProgress?.(progress, rows, source.total);
  };

  try {
    for await (const { job, progress: done } of source.jobs()) {
      progress = done;
      const pending = options.pool.runChunk(job);
      pending.catch(() => {}); // awaited in order by drainOne; an earlier failure must not leave it unhandled
      inFlight.push(pending);
      if (inFlight.length >= maxInFlight) await drainOne();
    }
    while (inFlight.length) await drainOne();
    await parquet?.end();
  } finally {
    await source.close();
  }
  return { rows };
}
