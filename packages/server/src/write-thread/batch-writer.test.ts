import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, describe, it } from 'node:test';
import { BatchWriter, MIN_THREAD_ITEMS } from './batch-writer.ts';

describe('log-batch write thread that cannot start', () => {
  const dir = mkdtempSync(`${tmpdir()}/mlflow-ts-batch-writer-`);
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('warns once and leaves batches to the main thread instead of spawning a thread per batch', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    // A directory is no database file: the thread's connection fails to open.
    const writer = new BatchWriter({ path: dir });
    let inProcess = 0;
    const metrics = Array.from({ length: MIN_THREAD_ITEMS }, (_, i) => ({
      key: 'k',
      value: 1,
      timestamp: 1,
      step: i,
    }));
    const batch = { metrics, params: [], tags: [] };
    const here = async () => {
      inProcess++;
    };
    try {
      await writer.logBatch('r', batch, here);
      const end = Date.now() + 20_000;
      while (warnings.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /write thread stopped/);
      for (let i = 0; i < 5; i++) await writer.logBatch('r', batch, here);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(inProcess, 6);
      assert.equal(warnings.length, 1, 'no thread was started again');
      assert.equal(writer.threadReady, false);
    } finally {
      process.off('warning', onWarning);
      await writer.close();
    }
  });
});
