import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sampledPositions, sampledStepsOfSpans } from './sampled-steps.ts';

/** The general query's rule, position by position (metric-history.ts, `sampled` CTE). */
function bySqlRule(count: number, maxResults: number): number[] {
  const m = Math.max(maxResults, 2) - 1;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const div = (x: number) => Math.floor(x / (count - 1));
    if (count <= maxResults || i === 0 || div(i * m) !== div((i - 1) * m)) out.push(i);
  }
  return out;
}

describe('bulk-interval sampling over gap-free steps', () => {
  test('positions match the SQL rule', () => {
    for (const count of [1, 2, 3, 10, 999, 1000, 1001, 2501, 7919, 100_000]) {
      for (const max of [1, 2, 3, 10, 1000, 2500]) {
        assert.deepEqual(sampledPositions(count, max), bySqlRule(count, max), `count ${count}, max ${max}`);
      }
    }
  });

  test('one run: evenly spaced steps from its first to its last', () => {
    const steps = sampledStepsOfSpans([{ lo: 0, hi: 999_999 }], 1000);
    assert.equal(steps.length, 1000);
    assert.equal(steps[0], 0);
    assert.equal(steps.at(-1), 999_999);
    assert.equal(steps[1], 1001);
  });

  test('overlapping and disjoint runs: positions over the union, plus every run’s ends', () => {
    const spans = [
      { lo: 5, hi: 14 },
      { lo: 10, hi: 19 },
      { lo: 40, hi: 49 },
    ];
    // Union: 5…19 and 40…49, 25 distinct steps; brute force over the explicit list.
    const all = [
      ...Array.from({ length: 15 }, (_, i) => 5 + i),
      ...Array.from({ length: 10 }, (_, i) => 40 + i),
    ];
    const expected = new Set(bySqlRule(all.length, 4).map((i) => all[i]!));
    for (const s of spans) expected.add(s.lo).add(s.hi);
    assert.deepEqual(
      sampledStepsOfSpans(spans, 4),
      [...expected].sort((a, b) => a - b),
    );
  });

  test('few steps: all of them', () => {
    assert.deepEqual(sampledStepsOfSpans([{ lo: 3, hi: 6 }], 1000), [3, 4, 5, 6]);
    assert.deepEqual(sampledStepsOfSpans([], 10), []);
  });
});
