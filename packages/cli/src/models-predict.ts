/**
 * `models predict`: streams a CSV or JSON-lines file through the model on all cores with a progress
 * bar on stderr (by bytes read), writing CSV or JSON lines (one prediction per input row).
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
  const input = config.inputPath
    ? createReadStream(config.inputPath, { highWaterMark: config.chunkBytes })
    : process.stdin;
  const out: Writable = config.outputPath ? createWriteStream(config.outputPath) : process.stdout;
  const outputFormat = config.outputPath && /\.csv$/i.test(config.outputPath) ? 'csv' : 'jsonl';
  const total = config.inputPath ? statSync(config.inputPath).size : 0;
  const showBar =
    config.progress && total > 0 && process.stderr.isTTY !== false && config.outputPath !== null;
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
  bar?.start(total, 0, { rows: 0, rate: 0 });
  try {
    const { rows } = await predictStream({
      pool,
      input,
      inputFormat: config.format,
      outputFormat,
      write: writer(out),
      chunkBytes: config.chunkBytes,
      onProgress: (bytes, rowsDone) =>
        bar?.update(bytes, {
          rows: rowsDone,
          rate: Math.round(rowsDone / ((performance.now() - started) / 1000)),
        }),
    });
    bar?.update(total);
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
