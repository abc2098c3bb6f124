/**
 * `models predict` throughput (issue 4 goal: ≥ 1M rows/s on a 10M-row CSV with the logreg model).
 * Writes a CSV or parquet file of --rows rows to a temp dir, runs the real CLI on it and prints rows/s
 * and peak RSS (of the CLI process, from /usr/bin/time).
 *
 *   node --import tsx bench/models/predict.ts [--rows 1000000] [--threads N]
 *        [--input csv|parquet] [--output csv|jsonl|parquet]
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileWriter, ParquetWriter } from 'hyparquet-writer';

const { values: opt } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    threads: { type: 'string', default: String(availableParallelism()) },
    model: { type: 'string', default: 'test/fixtures/models/onnx/logreg' },
    input: { type: 'string', default: 'csv' },
    output: { type: 'string', default: 'csv' },
  },
});
const COLUMNS = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
// The same numbers as the CSV rows this bench always wrote (3.x and 0.x written as decimals).
const row = (j: number) => [
  5 + (j % 20) / 10,
  Number(`3.${j % 9}`),
  1 + (j % 50) / 10,
  Number(`0.${j % 10}`),
];

/** The same rows as parquet, written a row group (1M rows, as pyarrow's default) at a time. */
function writeParquet(path: string, rows: number): void {
  const writer = new ParquetWriter({
    writer: fileWriter(path),
    schema: [
      { name: 'root', num_children: COLUMNS.length },
      ...COLUMNS.map((name) => ({ name, type: 'DOUBLE' as const, repetition_type: 'REQUIRED' as const })),
    ],
  });
  for (let i = 0; i < rows; i += 1_000_000) {
    const n = Math.min(1_000_000, rows - i);
    const cols = COLUMNS.map(() => new Float64Array(n));
    for (let j = 0; j < n; j++) {
      const r = row(i + j);
      for (let c = 0; c < COLUMNS.length; c++) cols[c]![j] = r[c]!;
    }
    writer.write({ columnData: COLUMNS.map((name, c) => ({ name, data: cols[c]! })), rowGroupSize: n });
  }
  writer.finish();
}
const BIN = new URL('../../bin/mlflow-ts.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'mlflow-ts-bench-predict-'));
try {
  const rows = Number(opt.rows);
  const input = join(dir, `in.${opt.input}`);
  if (opt.input === 'parquet') writeParquet(input, rows);
  else {
    const out = createWriteStream(input);
    out.write(`${COLUMNS.join(',')}\n`);
    for (let i = 0; i < rows; i += 10_000) {
      let chunk = '';
      for (let j = i; j < Math.min(rows, i + 10_000); j++) chunk += `${row(j).join(',')}\n`;
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
  }
  const t0 = performance.now();
  const r = spawnSync(
    '/usr/bin/time',
    [
      '-f',
      '%M',
      process.execPath,
      BIN,
      'models',
      'predict',
      '-m',
      opt.model!,
      '-i',
      input,
      '-o',
      join(dir, `out.${opt.output}`),
      '--threads',
      opt.threads!,
      '--no-progress',
    ],
    { encoding: 'utf8' },
  );
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(r.stderr);
  const peakKb = Number(r.stderr.trim().split('\n').pop());
  console.log(
    `predict ${rows} rows ${opt.input} → ${opt.output}: ${Math.round(rows / seconds)} rows/s (${seconds.toFixed(2)} s), peak RSS ${Math.round(peakKb / 1024)} MB`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
