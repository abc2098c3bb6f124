import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { packMetrics, unpackMetrics } from './packed-metrics.ts';

describe('metrics packed by column for the write thread', () => {
  it('round-trip every value a metric point can hold, keys stored once', () => {
    const metrics = [
      { key: 'loss', value: 0.5, timestamp: 1_700_000_000_123, step: 0 },
      { key: 'loss', value: Number.NaN, timestamp: 1_700_000_000_124, step: 1 },
      { key: 'acc', value: Number.POSITIVE_INFINITY, timestamp: 0, step: 2 ** 53 - 1 },
      { key: 'loss', value: Number.NEGATIVE_INFINITY, timestamp: -5, step: -(2 ** 53 - 1) },
      { key: 'ключ/😀', value: -0, timestamp: 1, step: 3 },
    ];
    const packed = packMetrics(metrics);
    assert.deepEqual(packed.keys, ['loss', 'acc', 'ключ/😀']);
    assert.deepEqual([...packed.key], [0, 0, 1, 0, 2]);
    assert.deepEqual(unpackMetrics(structuredClone(packed)), metrics);
  });

  it('an empty batch', () => {
    assert.deepEqual(unpackMetrics(packMetrics([])), []);
  });
});
