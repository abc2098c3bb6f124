import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { type ColumnSource, parquetWriteFile } from 'hyparquet-writer';
import type { ModelError } from '../errors.ts';
import type { ColSpec, Schema } from '../format/signature.ts';
import type { Frame } from '../input/model-input.ts';
import { type ColumnsJob, columnsInput } from './columns-input.ts';
import { openParquetSource } from './parquet-chunks.ts';
import { planParquetColumns } from './parquet-plan.ts';
import { ParquetSink } from './parquet-sink.ts';

const col = (name: string, type: ColSpec['type'], required = true) => ({ name, type, required }) as ColSpec;
const schemaOf = (...specs: ColSpec[]): Schema => ({ kind: 'column', specs });

/** A parquet file of the typed columns below; `nulls` puts a null in row 1 of the nullable ones. */
function writeTypedFile(path: string, rows: number, nulls = false, rowGroupSize = 1000): void {
  const maybe = <T>(v: T, i: number) => (nulls && i === 1 ? null : v);
  const columnData: ColumnSource[] = [
    { name: 'i32', data: Int32Array.from({ length: rows }, (_, i) => i - 2), type: 'INT32' },
    { name: 'i64', data: BigInt64Array.from({ length: rows }, (_, i) => BigInt(i) * 1000n), type: 'INT64' },
    { name: 'f32', data: Float32Array.from({ length: rows }, (_, i) => i + 0.5), type: 'FLOAT' },
    { name: 'f64', data: Array.from({ length: rows }, (_, i) => maybe(i / 4, i)), type: 'DOUBLE' },
    { name: 'flag', data: Array.from({ length: rows }, (_, i) => i % 2 === 0), type: 'BOOLEAN' },
    { name: 'text', data: Array.from({ length: rows }, (_, i) => maybe(`r${i}`, i)), type: 'STRING' },
    { name: 'unused', data: Array.from({ length: rows }, () => 'x'), type: 'STRING' },
  ];
  parquetWriteFile({ filename: path, columnData, rowGroupSize });
}

async function frames(path: string, schema: Schema | null, chunkRows: number) {
  const source = await openParquetSource(path, schema, { outputFormat: 'csv', chunkRows });
  const jobs: ColumnsJob[] = [];
  try {
    for await (const { job } of source.jobs()) jobs.push(job as ColumnsJob);
  } finally {
    await source.close();
  }
  return jobs;
}

describe('parquet input', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mlflow-ts-parquet-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('maps every signature type from its parquet type, across row groups and chunks', async () => {
    const path = join(dir, 'typed.parquet');
    writeTypedFile(path, 23, false, 10); // groups of 10, 10, 3; chunks of 4 inside each group
    const schema = schemaOf(
      col('f64', 'double'),
      col('i32', 'integer'),
      col('i64', 'long'),
      col('f32', 'float'),
      col('flag', 'boolean'),
      col('text', 'string'),
      col('absent', 'double', false), // optional and not in the file: left out
    );
    const jobs = await frames(path, schema, 4);
    assert.deepEqual(
      jobs.map((j) => [j.firstRow, j.rows]),
      [0, 4, 8, 10, 14, 18, 20].map((s) => [s, s === 8 || s === 18 ? 2 : s === 20 ? 3 : 4]),
    );
    const parts = jobs.map((j) => columnsInput(j, schema) as Frame);
    assert.deepEqual(parts[0]!.columns, ['f64', 'i32', 'i64', 'f32', 'flag', 'text']);
    const column = (c: number) => parts.flatMap((f) => Array.from(f.values[c] as ArrayLike<unknown>));
    assert.ok(parts[0]!.values[0] instanceof Float64Array);
    assert.ok(parts[0]!.values[1] instanceof Int32Array);
    assert.ok(parts[0]!.values[2] instanceof Float64Array); // long travels as double, as for JSON
    assert.ok(parts[0]!.values[3] instanceof Float32Array);
    assert.deepEqual(
      column(0),
      Array.from({ length: 23 }, (_, i) => i / 4),
    );
    assert.deepEqual(
      column(1),
      Array.from({ length: 23 }, (_, i) => i - 2),
    );
    assert.deepEqual(column(2).slice(20), [20000, 21000, 22000]);
    assert.deepEqual(column(3).slice(0, 2), [0.5, 1.5]);
    assert.deepEqual(column(4).slice(0, 3), [true, false, true]);
    assert.deepEqual(column(5).slice(21), ['r21', 'r22']);
  });

  it('a null in a required column is a 400 naming the column and the file row', async () => {
    const path = join(dir, 'nulls.parquet');
    writeTypedFile(path, 5, true);
    const [job] = await frames(path, schemaOf(col('f64', 'double')), 100);
    assert.throws(
      () => columnsInput(job!, schemaOf(col('f64', 'double'))),
      (e: ModelError) =>
        e.status === 400 && /column 'f64' \(type double\) is required .* null value in row 1/.test(e.message),
    );
    // Optional columns take the null: NaN for numbers, null otherwise.
    const optional = schemaOf(col('f64', 'double', false), col('text', 'string', false));
    const [opt] = await frames(path, optional, 100);
    const frame = columnsInput(opt!, optional) as Frame;
    assert.ok(Number.isNaN((frame.values[0] as Float64Array)[1]));
    assert.deepEqual((frame.values[1] as unknown[]).slice(0, 3), ['r0', null, 'r2']);
  });

  it('a missing or mistyped column is a 400 naming it, before any row is read', () => {
    const path = join(dir, 'plan.parquet');
    writeTypedFile(path, 3);
    const bytes = readFileSync(path);
    const root = parquetSchema(
      parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)),
    );
    assert.throws(
      () => planParquetColumns(root, schemaOf(col('f64', 'double'), col('petal', 'double'))),
      (e: ModelError) =>
        e.status === 400 &&
        /missing columns the model needs: \['petal'\] \(expected petal: double\)/.test(e.message) &&
        /does not use: \['i32', 'i64', 'f32', 'flag', 'text', 'unused'\]/.test(e.message),
    );
    for (const [name, type, found] of [
      ['text', 'double', 'BYTE_ARRAY \\(UTF8\\)'],
      ['f64', 'long', 'DOUBLE'],
      ['i64', 'integer', 'INT64'],
      ['flag', 'string', 'BOOLEAN'],
    ] as const) {
      assert.throws(
        () => planParquetColumns(root, schemaOf(col(name, type))),
        (e: ModelError) =>
          e.status === 400 &&
          new RegExp(
            `Column '${name}' of the parquet file is ${found}, but the model signature expects ${type}`,
          ).test(e.message),
      );
    }
    // Integers widen to floating point; without a signature every column is read, in file order.
    assert.deepEqual(
      planParquetColumns(root, schemaOf(col('i64', 'double'), col('i32', 'float'))).map((c) => c.kind),
      ['int64', 'int32'],
    );
    assert.deepEqual(
      planParquetColumns(root, null).map((c) => c.name),
      ['i32', 'i64', 'f32', 'f64', 'flag', 'text', 'unused'],
    );
  });
});

describe('parquet output', () => {
  async function writeTables(tables: Parameters<ParquetSink['add']>[0][], rowGroupRows: number) {
    const parts: Uint8Array[] = [];
    const sink = new ParquetSink(async (b) => {
      parts.push(b);
    }, rowGroupRows);
    for (const t of tables) await sink.add(t);
    await sink.end();
    return { bytes: Buffer.concat(parts), writes: parts.length };
  }

  it('writes typed, list, text and JSON columns in bounded row groups', async () => {
    const chunk = (start: number, n: number) => ({
      names: ['label', 'count', 'probabilities', 'name', 'ok', 'extra'],
      columns: [
        Float64Array.from({ length: n }, (_, i) => (start + i) % 3),
        BigInt64Array.from({ length: n }, (_, i) => BigInt(start + i)),
        Array.from({ length: n }, (_, i) => [0.25, (start + i) / 1000]),
        Array.from({ length: n }, (_, i) => (i === 1 ? null : `n${start + i}`)),
        Array.from({ length: n }, (_, i) => (start + i) % 2 === 0),
        Array.from({ length: n }, (_, i) => ({ k: start + i })),
      ],
      rows: n,
    });
    const { bytes, writes } = await writeTables([chunk(0, 40), chunk(40, 40), chunk(80, 30)], 64);
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const meta = parquetMetadata(file);
    assert.deepEqual(
      meta.row_groups.map((g) => Number(g.num_rows)),
      [80, 30], // a group closes at the first chunk that reaches 64 rows
    );
    assert.ok(writes >= 2, 'each row group is written out as soon as it is full');
    const rows = await parquetReadObjects({ file });
    assert.equal(rows.length, 110);
    assert.deepEqual(rows[41], {
      label: 2,
      count: 41n,
      probabilities: [0.25, 0.041],
      name: null,
      ok: false,
      extra: { k: 41 },
    });
    assert.equal(rows[109]!.name, 'n109');
  });

  it('a column that changes type between chunks is an error naming it; no rows is an empty file', async () => {
    const t = (v: unknown[]) => ({ names: ['prediction'], columns: [v], rows: v.length });
    await assert.rejects(
      writeTables([t([1, 2]), t(['a', 'b'])], 10),
      /column 'prediction' is double .* holds string/,
    );
    const { bytes } = await writeTables([], 10);
    const meta = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    assert.equal(Number(meta.num_rows), 0);
  });
});
