/**
 * `models predict -o out.parquet`: prediction chunks (in input order) gathered into row groups of at
 * most `rowGroupRows` (+ one chunk) rows, each encoded and streamed out through `write` as soon as it
 * is full — memory holds one row group, whatever the file size. Parquet is written front to back (the
 * footer last), so any writable works, stdout included.
 *
 * Column types come from the first chunk: typed arrays keep their type, plain values map to DOUBLE,
 * INT64, BOOLEAN, UTF8 text, a LIST of DOUBLE for lists of numbers (the CSV writer's "[0.1, 0.9]"), and
 * JSON text for anything else. Every column is OPTIONAL, so a later chunk may hold nulls.
 */

import type { SchemaElement } from 'hyparquet';
import type { ColumnSource } from 'hyparquet-writer';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { ModelError } from '../errors.ts';
import type { OutputColumn, OutputTable } from './output-table.ts';

export const DEFAULT_ROW_GROUP_ROWS = 65_536;

type SinkKind = 'double' | 'float' | 'int32' | 'int64' | 'boolean' | 'string' | 'list' | 'json';

const isNumberList = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'number');

export function sinkKind(col: OutputColumn): SinkKind {
  if (col instanceof Float64Array) return 'double';
  if (col instanceof Float32Array) return 'float';
  if (col instanceof BigInt64Array || col instanceof BigUint64Array || col instanceof Uint32Array)
    return 'int64';
  if (!Array.isArray(col)) return 'int32'; // the smaller integer arrays
  const v = col.find((x) => x !== null && x !== undefined);
  if (typeof v === 'number') return 'double';
  if (typeof v === 'bigint') return 'int64';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'string' || v === undefined) return 'string';
  return isNumberList(v) ? 'list' : 'json';
}

export function schemaElements(name: string, kind: SinkKind): SchemaElement[] {
  const repetition_type = 'OPTIONAL' as const;
  switch (kind) {
    case 'string':
      return [{ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type }];
    case 'json':
      return [{ name, type: 'BYTE_ARRAY', converted_type: 'JSON', repetition_type }];
    case 'list':
      // The three-level LIST layout the parquet spec asks for (and pandas / Spark read).
      return [
        { name, repetition_type, converted_type: 'LIST', num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        { name: 'element', type: 'DOUBLE', repetition_type: 'REQUIRED' },
      ];
    default: {
      const type = { double: 'DOUBLE', float: 'FLOAT', int32: 'INT32', int64: 'INT64', boolean: 'BOOLEAN' }[
        kind
      ];
      return [{ name, type: type as SchemaElement['type'], repetition_type }];
    }
  }
}

function mismatch(name: string, kind: SinkKind, v: unknown): ModelError {
  const got = Array.isArray(v) ? 'a list' : typeof v;
  return new ModelError(
    'INVALID_STATE',
    `Prediction column '${name}' is ${kind} in the parquet output but a later chunk holds ${got}: ` +
      'parquet needs one type per column (write CSV or JSON lines instead).',
  );
}

/** One chunk's column in the form the writer takes for `kind`, checking each value fits. */
export function conform(col: OutputColumn, kind: SinkKind, name: string): OutputColumn {
  if (kind === 'double' && col instanceof Float64Array) return col;
  if (kind === 'float' && col instanceof Float32Array) return col;
  if (kind === 'int32' && col instanceof Int32Array) return col;
  if (kind === 'int64' && col instanceof BigInt64Array) return col;
  const out: unknown[] = new Array(col.length);
  for (let i = 0; i < col.length; i++) {
    const v = (col as ArrayLike<unknown>)[i];
    if (v === null || v === undefined) {
      out[i] = null;
      continue;
    }
    let ok: boolean;
    switch (kind) {
      case 'double':
      case 'float':
      case 'int32':
        ok = typeof v === 'number' || typeof v === 'bigint';
        out[i] = Number(v);
        break;
      case 'int64':
        ok = typeof v === 'bigint' || Number.isInteger(v);
        out[i] = typeof v === 'bigint' ? v : BigInt(v as number);
        break;
      case 'boolean':
        ok = typeof v === 'boolean';
        out[i] = v;
        break;
      case 'string':
        ok = typeof v === 'string';
        out[i] = v;
        break;
      case 'list':
        ok = isNumberList(v);
        out[i] = v;
        break;
      default:
        ok = true;
        out[i] = v;
    }
    if (!ok) throw mismatch(name, kind, v);
  }
  return out;
}

function concat(parts: OutputColumn[]): OutputColumn {
  if (parts.length === 1) return parts[0]!;
  const first = parts[0]!;
  if (!Array.isArray(first) && parts.every((p) => p.constructor === first.constructor)) {
    const Ctor = first.constructor as new (n: number) => typeof first;
    const out = new Ctor(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      (out as { set(a: ArrayLike<unknown>, o: number): void }).set(p as ArrayLike<unknown>, at);
      at += p.length;
    }
    return out;
  }
  const out: unknown[] = [];
  for (const p of parts) for (let i = 0; i < p.length; i++) out.push((p as ArrayLike<unknown>)[i]);
  return out;
}

/**
 * Hands the encoded bytes to `write` instead of growing one buffer for the whole file: when the
 * buffer is full its bytes are queued, and `flush` (after each row group) writes the queue.
 */
class StreamingWriter extends ByteWriter {
  private queued: Uint8Array[] = [];

  constructor(private readonly sink: (bytes: Uint8Array) => Promise<void>) {
    super(1 << 20);
  }

  override ensure(size: number): void {
    if (this.index > 0 && this.index + size > this.buffer.byteLength) {
      this.queued.push(new Uint8Array(this.buffer.slice(0, this.index)));
      this.index = 0;
    }
    super.ensure(size); // grows only for a single value larger than the buffer
  }

  async flush(): Promise<void> {
    if (this.index > 0) {
      this.queued.push(new Uint8Array(this.buffer.slice(0, this.index)));
      this.index = 0;
    }
    const queued = this.queued;
    this.queued = [];
    for (const bytes of queued) await this.sink(bytes);
  }

  override finish(): Promise<void> {
    return this.flush();
  }
}

export class ParquetSink {
  private writer: ParquetWriter | null = null;
  private names: string[] = [];
  private kinds: SinkKind[] = [];
  private pending: OutputColumn[][] = [];
  private pendingRows = 0;

  constructor(
    private readonly write: (bytes: Uint8Array) => Promise<void>,
    private readonly rowGroupRows = DEFAULT_ROW_GROUP_ROWS,
  ) {}

  async add(table: OutputTable): Promise<void> {
    if (table.rows === 0) return;
    if (!this.writer) this.start(table);
    if (table.names.join('\u0000') !== this.names.join('\u0000')) {
      throw new ModelError(
        'INVALID_STATE',
        `The model's output columns changed between chunks ([${this.names}] then [${table.names}]).`,
      );
    }
    table.columns.forEach((col, i) => {
      this.pending[i]!.push(conform(col, this.kinds[i]!, this.names[i]!));
    });
    this.pendingRows += table.rows;
    if (this.pendingRows >= this.rowGroupRows) await this.writeGroup();
  }

  /** Writes the last row group and the footer. A run with no rows still writes a valid empty file. */
  async end(): Promise<void> {
    if (!this.writer) this.start({ names: ['prediction'], columns: [[]], rows: 0 });
    await this.writeGroup();
    await this.writer!.finish();
  }

  private start(table: OutputTable): void {
    this.names = table.names;
    this.kinds = table.columns.map(sinkKind);
    this.pending = table.names.map(() => []);
    const schema: SchemaElement[] = [
      { name: 'root', num_children: table.names.length },
      ...table.names.flatMap((n, i) => schemaElements(n, this.kinds[i]!)),
    ];
    this.writer = new ParquetWriter({
      writer: new StreamingWriter(this.write),
      schema,
      createdBy: 'mlflow-ts',
    });
  }

  private async writeGroup(): Promise<void> {
    if (this.pendingRows === 0) return;
    const columnData: ColumnSource[] = this.names.map((name, i) => ({
      name,
      data: concat(this.pending[i]!) as ColumnSource['data'],
      // Lists of probabilities rarely repeat: skip the dictionary attempt and the per-element min/max
      // (measured: ~35 % of the encoding time of a label + 3-probability output).
      ...(this.kinds[i] === 'list' ? { encoding: 'PLAIN' as const, statistics: false } : {}),
    }));
    const rows = this.pendingRows;
    this.pending = this.names.map(() => []);
    this.pendingRows = 0;
    await this.writer!.write({ columnData, rowGroupSize: rows });
  }
}
