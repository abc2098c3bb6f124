/**
 * What an inference thread does with one `models predict` chunk: build the model input (from CSV /
 * JSON-lines bytes, or from decoded parquet columns), predict, and hand back either the output lines as
 * UTF-8 bytes or, for parquet output, the prediction columns — both moved, not copied, to the main
 * thread, which only writes them in order.
 */
import type { LoadedModel } from '../flavors/loaded-model.ts';
import type { ModelInput } from '../input/model-input.ts';
import { type ColumnsJob, columnsInput } from './columns-input.ts';
import { type OutputTable, outputTable, tableTransferables } from './output-table.ts';
import { type ChunkBytesJob, chunkInput, predictChunk, predictionText } from './score-chunk.ts';

export type ScoreJob = ({ kind: 'text' } & ChunkBytesJob) | ({ kind: 'columns' } & ColumnsJob);

/** `out` holds the text lines (empty for parquet output); `table` the columns for parquet output. */
export interface ChunkResult {
  out: Uint8Array;
  rows: number;
  table: OutputTable | null;
}

/** Where chunks come from; `progress` and `total` are bytes for text, rows for parquet. */
export interface JobSource {
  total: number;
  jobs(): AsyncGenerator<{ job: ScoreJob; progress: number }>;
  close(): Promise<void>;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

function jobInput(model: LoadedModel, job: ScoreJob): ModelInput {
  if (job.kind === 'columns') return columnsInput(job, model.metadata.signature?.inputs ?? null);
  const { bytes, kind: _kind, outputFormat: _format, ...rest } = job;
  return chunkInput(model, { ...rest, text: decoder.decode(bytes) });
}

export async function scoreJob(model: LoadedModel, job: ScoreJob): Promise<ChunkResult> {
  const input = jobInput(model, job);
  if ((input.kind === 'frame' ? input.rows : 1) === 0)
    return { out: new Uint8Array(0), rows: 0, table: null };
  const { prediction, rows } = await predictChunk(model, input);
  if (job.outputFormat === 'parquet') {
    const table = outputTable(prediction, rows);
    return { out: new Uint8Array(0), rows: table.rows, table };
  }
  const text = predictionText(prediction, rows, job.outputFormat, job.withHeader);
  return { out: encoder.encode(text.out), rows: text.rows, table: null };
}

export function resultTransferables(result: ChunkResult): ArrayBuffer[] {
  const own = [result.out.buffer as ArrayBuffer];
  return result.table ? [...own, ...tableTransferables(result.table)] : own;
}

/** Buffers a job can give away: the text bytes, or the typed parquet columns it owns whole. */
export function jobTransferables(job: ScoreJob): ArrayBuffer[] {
  if (job.kind === 'text') {
    const b = job.bytes;
    return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? [b.buffer as ArrayBuffer] : [];
  }
  return tableTransferables({ names: [], columns: job.values, rows: job.rows });
}
