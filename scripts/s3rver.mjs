#!/usr/bin/env node
// A throwaway S3-compatible server for tests (architecture.md §8: s3rver on loopback), like postgres.mjs.
//
// Used by scripts/test.mjs; also runnable by hand while iterating:
//   node scripts/s3rver.mjs            # prints `export MLFLOW_TS_TEST_S3_ENDPOINT=...`, Ctrl-C stops it
//
// It runs in this process (s3rver's JS API), stores objects in a temp dir deleted on stop, creates the
// bucket `mlflow`, and accepts s3rver's fixed credentials (access key and secret both `S3RVER`).
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from './postgres.mjs';

export const S3_BUCKET = 'mlflow';
export const S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** Starts s3rver on 127.0.0.1; returns { endpoint, dir, stop } (stop() is idempotent and synchronous). */
export async function startS3rver() {
  const S3rver = createRequire(import.meta.url)('s3rver');
  const dir = mkdtempSync(join(tmpdir(), 'mlflow-ts-s3-'));
  const port = await freePort();
  const server = new S3rver({
    address: '127.0.0.1',
    port,
    directory: dir,
    silent: true,
    // Path-style requests only (clients set forcePathStyle): no virtual-host bucket parsing.
    vhostBuckets: false,
    configureBuckets: [{ name: S3_BUCKET }],
  });
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    server.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await server.run();
  } catch (err) {
    stop();
    throw err;
  }
  // Connections of the test runner must not keep this process alive on exit.
  server.httpServer?.unref?.();
  return { endpoint: `http://127.0.0.1:${port}`, dir, stop };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const s3 = await startS3rver();
  process.on('exit', s3.stop);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      s3.stop();
      process.exit(0);
    });
  }
  process.stdout.write(
    `export MLFLOW_TS_TEST_S3_ENDPOINT=${s3.endpoint}\n# bucket ${S3_BUCKET}, key/secret S3RVER; data in ${s3.dir}; Ctrl-C stops it\n`,
  );
  setInterval(() => {}, 1 << 30);
}
