/**
 * `models predict` throughput (issue 4 goal: ≥ 1M rows/s on a 10M-row CSV with the logreg model).
 * Writes a CSV of --rows rows to a temp dir, runs the real CLI on it and prints rows/s and peak RSS.
 *
 *   node --import tsx bench/models/predict.ts [--rows 1000000] [--threads N]
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    threads: { type: 'string', default: String(availableParallelism()) },
    model: { type: 'string', default: 'test/fixtures/models/onnx/logreg' },
  },
});
const BIN = new URL('../../bin/mlflow-ts.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'mlflow-ts-bench-predict-'));
try {
  const input = join(dir, 'in.csv');
  const out = createWriteStream(input);
  out.write('sepal_length,sepal_width,petal_length,petal_width\n');
  const rows = Number(opt.rows);
  for (let i = 0; i < rows; i += 10_000) {
    let chunk = '';
    for (let j = i; j < Math.min(rows, i + 10_000); j++)
      chunk += `${5 + (j % 20) / 10},3.${j % 9},${1 + (j % 50) / 10},0.${j % 10}\n`;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
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
      join(dir, 'out.csv'),
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
    `predict ${rows} rows: ${Math.round(rows / seconds)} rows/s (${seconds.toFixed(2)} s), peak RSS ${Math.round(peakKb / 1024)} MB`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
