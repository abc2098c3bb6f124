import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BatchingLogger, type MetricPoint } from './batching-logger.ts';
import { MetricDeliveryError, MlflowApiError } from './errors.ts';

// The transport is injected, so the queue's rules are tested without a server (fetch is not involved).
const point = (step: number, key = 'm'): MetricPoint => ({ key, value: step, timestamp: 1, step });

describe('BatchingLogger', () => {
  test('a full queue is sent at once, without waiting for the interval', async () => {
    const sent: [string, number][] = [];
    const logger = new BatchingLogger({
      flushIntervalMs: 60_000,
      maxBatchSize: 10,
      send: async (run, points) => {
        sent.push([run, points.length]);
      },
    });
    for (let i = 0; i < 9; i++) logger.log('r', point(i));
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(sent, [], 'below the batch size: waits for the interval');
    for (let i = 9; i < 25; i++) logger.log('r', point(i));
    await new Promise((r) => setTimeout(r, 20));
    // Once a send is under way, whatever queued meanwhile follows right after it (up to the batch size).
    assert.deepEqual(sent, [
      ['r', 10],
      ['r', 10],
      ['r', 5],
    ]);
    assert.equal(logger.busy, false);
  });

  test('several runs: per-run order kept, a busy run does not starve the others', async () => {
    const sent: [string, number[]][] = [];
    const logger = new BatchingLogger({
      flushIntervalMs: 60_000,
      maxBatchSize: 2,
      send: async (run, points) => {
        sent.push([run, points.map((p) => p.step)]);
      },
    });
    for (let i = 0; i < 6; i++) logger.log('a', point(i)); // a0,a1 leave at once; a2..a5 wait
    logger.log('b', point(0));
    logger.log('b', point(1));
    await logger.flush();
    assert.deepEqual(sent, [
      ['a', [0, 1]],
      ['a', [2, 3]],
      ['b', [0, 1]], // b gets its turn before a's remainder
      ['a', [4, 5]],
    ]);
  });

  test('flush(runId) rejects only for that run’s lost points; a throwing onError does not stop delivery', async () => {
    const delivered: string[] = [];
    const logger = new BatchingLogger({
      maxRetries: 0,
      onError: () => {
        throw new Error('handler bug');
      },
      send: async (run) => {
        if (run === 'bad') throw new MlflowApiError('INVALID_PARAMETER_VALUE', 'nope', 400);
        delivered.push(run);
      },
    });
    logger.log('bad', point(0));
    logger.log('good', point(0));
    await logger.flush('good');
    assert.deepEqual(delivered, ['good']);
    const err = await logger.flush('bad').catch((e: unknown) => e);
    assert.ok(err instanceof MetricDeliveryError);
    assert.equal(err.lostPoints, 1);
    assert.ok(err.cause instanceof MlflowApiError);
    await logger.flush(); // reported once, then cleared
  });

  test('transient errors are retried with backoff, in order', async () => {
    let calls = 0;
    const seen: number[] = [];
    const logger = new BatchingLogger({
      backoffMs: 1,
      maxBatchSize: 1,
      send: async (_run, points) => {
        calls++;
        if (calls === 1) throw new TypeError('fetch failed');
        seen.push(...points.map((p) => p.step));
      },
    });
    logger.log('r', point(0));
    logger.log('r', point(1));
    await logger.flush();
    assert.deepEqual(seen, [0, 1]);
    assert.equal(calls, 3);
  });
});
