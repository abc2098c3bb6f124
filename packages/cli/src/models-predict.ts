/**
 * `models predict`: streams a CSV, JSON-lines or parquet file through the model on all cores with a
 * progress bar on stderr (by bytes read for text, rows read for parquet), writing CSV, JSON lines or
 * parquet (one prediction per input row).
 */

import { once } from 'node:events';
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { predictStream, WorkerPool } from '@mlflow-ts/models';
import cliProgress from 'cli-progress';
import type { ModelsPredictConfig } from './models-config.ts';
import { resolveModelDir } from './models-resolve.ts';

function writer(out: Writable) {
  return async (bytes: Uint8Array) => {
    if (!out.write(bytes)) await once(out, 'drain');
  };
}

export async function runModelsPredict(config: ModelsPredictConfig): Promise<void> {
  const dir = await resolveModelDir(config.modelUri, config);
  const pool = await WorkerPool.start(dir, config.threads, { intraOpNumThreads: 1 });
  const parquetIn = config.format === 'parquet';
  const input = parquetIn
    ? undefined
    : config.inputPath
      ? createReadStream(config.inputPath, { highWaterMark: config.chunkBytes })
      : process.stdin;
  const out: Writable = config.outputPath ? createWriteStream(config.outputPath) : process.stdout;
  const showBar =
    config.progress &&
    config.inputPath !== null &&
    process.stderr.isTTY !== false &&
    config.outputPath !== null;
  const bar = showBar
    ? new cliProgress.SingleBar(
        {
          format: 'predict |{bar}| {percentage}% | {rows} rows | {rate} rows/s | eta {eta}s',
          stream: process.stderr,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  const started = performance.now();
  let barTotal = -1;
  try {
    const { rows } = await predictStream({
      pool,
      ...(input ? { input } : {}),
      ...(config.inputPath ? { inputPath: config.inputPath } : {}),
      inputFormat: config.format,
      outputFormat: config.outputFormat,
      write: writer(out),
      chunkBytes: config.chunkBytes,
      chunkRows: config.chunkRows,
      totalBytes: config.inputPath && !parquetIn ? statSync(config.inputPath).size : 0,
      onProgress: (done, rowsDone, total) => {
        if (!bar || total <= 0) return;
        if (barTotal < 0) bar.start(total, 0, { rows: 0, rate: 0 });
        barTotal = total;
        bar.update(done, {
          rows: rowsDone,
          rate: Math.round(rowsDone / ((performance.now() - started) / 1000)),
        });
      },
    });
    if (barTotal > 0) bar?.update(barTotal);
    bar?.stop();
    const seconds = (performance.now() - started) / 1000;
    if (config.outputPath) {
      out.end();
      await once(out, 'finish');
    }
    process.stderr.write(
      `Scored ${rows} rows in ${seconds.toFixed(2)} s (${Math.round(rows / seconds)} rows/s)\n`,
    );
  } finally {
    bar?.stop();
    await pool.close();
  }
}
