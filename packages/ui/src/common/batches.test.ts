import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batches } from './batches.ts';

test('batches: groups of at most the size, in order, nothing lost', () => {
  const ids = Array.from({ length: 250 }, (_, i) => `r${i}`);
  const groups = batches(ids, 100);
  assert.deepEqual(
    groups.map((g) => g.length),
    [100, 100, 50],
  );
  assert.deepEqual(groups.flat(), ids);
  assert.deepEqual(batches([], 100), []);
  assert.deepEqual(batches(['a'], 100), [['a']]);
  assert.throws(() => batches(['a'], 0), RangeError);
});
