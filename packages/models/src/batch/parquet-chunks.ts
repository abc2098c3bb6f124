/**
 * `models predict -i in.parquet`: the file is read one row group at a time through a file-backed
 * buffer (only the planned columns, see parquet-plan.ts), and each group is cut into chunks of
 * `chunkRows` rows that go to the inference threads like CSV chunks do. The next group is read while
 * the current one is scored, so memory holds at most two row groups' columns (writers keep groups to
 * ~64k–1M rows) plus the chunks in flight — never the file.
 */
import {
  type ColumnData,
  type FileMetaData,
  parquetMetadataAsync,
  parquetRead,
  parquetSchema,
} from 'hyparquet';
import type { Schema } from '../format/signature.ts';
import type { DecodedColumn } from './columns-input.ts';
import { type FileBuffer, openFileBuffer } from './file-buffer.ts';
import { type ParquetKind, type PlannedColumn, planParquetColumns } from './parquet-plan.ts';
import type { OutputFormat } from './score-chunk.ts';
import type { JobSource } from './score-job.ts';

/** Typed arrays for number columns: dictionary-encoded pages decode to plain arrays, whose numbers
 * are boxed (~3x the memory) and cloned element by element on the way to a thread; a typed array moves.
 * A column holding a null stays plain (the thread needs the nulls for its required-column check). */
function typedFor(kind: ParquetKind, rows: number): Float64Array | Int32Array | null {
  if (kind === 'double' || kind === 'float' || kind === 'decimal') return new Float64Array(rows);
  if (kind === 'int32') return new Int32Array(rows);
  // int64 as doubles: what the frame carries anyway (exact to 2^53, as for JSON input).
  if (kind === 'int64') return new Float64Array(rows);
  return null;
}

/** Pieces of one column (one per page run) put together into the group's column. */
function joinPieces(
  pieces: ColumnData[],
  kind: ParquetKind,
  groupStart: number,
  rows: number,
): DecodedColumn {
  const first = pieces[0]?.columnData;
  if (pieces.length === 1 && first !== undefined && !Array.isArray(first) && first.length === rows)
    return first as DecodedColumn;
  const typed = typedFor(kind, rows);
  if (typed) {
    let ok = true;
    for (const p of pieces) {
      const data = p.columnData as ArrayLike<unknown>;
      const at = p.rowStart - groupStart;
      for (let i = 0; i < data.length && ok; i++) {
        const v = data[i];
        if (v === null || v === undefined) ok = false;
        else if (at + i >= 0 && at + i < rows) typed[at + i] = Number(v);
      }
    }
    if (ok) return typed;
  }
  const out: unknown[] = new Array(rows).fill(null);
  for (const p of pieces) {
    const data = p.columnData as ArrayLike<unknown>;
    for (let i = 0; i < data.length; i++) {
      const r = p.rowStart - groupStart + i;
      if (r >= 0 && r < rows) out[r] = data[i];
    }
  }
  return out;
}

async function readGroup(
  file: FileBuffer,
  metadata: FileMetaData,
  plan: PlannedColumn[],
  groupStart: number,
  rows: number,
): Promise<DecodedColumn[]> {
  const pieces = new Map<string, ColumnData[]>(plan.map((c) => [c.name, []]));
  await parquetRead({
    file,
    metadata,
    columns: plan.map((c) => c.name),
    rowStart: groupStart,
    rowEnd: groupStart + rows,
    utf8: false, // bytes stay bytes unless the file says text (parquet-plan.ts decides per column)
    onChunk: (chunk) => pieces.get(chunk.columnName)?.push(chunk),
  });
  return plan.map((c) => joinPieces(pieces.get(c.name)!, c.kind, groupStart, rows));
}

function sliceColumn(col: DecodedColumn, start: number, end: number): DecodedColumn {
  // slice copies, so a typed chunk owns its buffer and moves to the thread without a second copy.
  return col.slice(start, end) as DecodedColumn;
}

export async function openParquetSource(
  path: string,
  schema: Schema | null,
  options: { outputFormat: OutputFormat; chunkRows: number },
): Promise<JobSource> {
  const file = await openFileBuffer(path);
  let metadata: FileMetaData;
  let plan: PlannedColumn[];
  try {
    metadata = await parquetMetadataAsync(file);
    plan = planParquetColumns(parquetSchema(metadata), schema);
  } catch (err) {
    await file.close();
    throw err;
  }
  const groups = metadata.row_groups.map((g) => Number(g.num_rows));
  const chunkRows = Math.max(1, options.chunkRows);

  async function* jobs() {
    const starts: number[] = [];
    for (let g = 0, at = 0; g < groups.length; at += groups[g]!, g++) starts.push(at);
    const read = (g: number) => {
      const p = readGroup(file, metadata, plan, starts[g]!, groups[g]!);
      p.catch(() => {}); // awaited below; this keeps an abandoned read from being unhandled
      return p;
    };
    let next = groups.length ? read(0) : null;
    let first = true;
    for (let g = 0; g < groups.length; g++) {
      const columns = await next!;
      next = g + 1 < groups.length ? read(g + 1) : null;
      for (let s = 0; s < groups[g]!; s += chunkRows) {
        const e = Math.min(groups[g]!, s + chunkRows);
        const job = {
          kind: 'columns' as const,
          columns: plan,
          values: columns.map((c) => sliceColumn(c, s, e)),
          rows: e - s,
          firstRow: starts[g]! + s,
          outputFormat: options.outputFormat,
          withHeader: first,
        };
        first = false;
        yield { job, progress: starts[g]! + e };
      }
    }
  }

  return { total: Number(metadata.num_rows), jobs, close: () => file.close() };
}
