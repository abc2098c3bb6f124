import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alignSeries, downsampleMinMax, groupByRun, smoothEma, toSeries } from './series.ts';

describe('chart series helpers', () => {
  it('orders points by step or by time, relative time in seconds from the first point', () => {
    const pts = [
      { step: 2, timestamp: 5000, value: 3 },
      { step: 0, timestamp: 3000, value: 1 },
      { step: 1, timestamp: 4000, value: 2 },
    ];
    assert.deepEqual(toSeries('r', pts, 'step'), { label: 'r', xs: [0, 1, 2], ys: [1, 2, 3] });
    assert.deepEqual(toSeries('r', pts, 'relative').xs, [0, 1, 2]);
    assert.deepEqual(toSeries('r', pts, 'time').xs, [3, 4, 5]);
  });

  it('groups bulk-interval points by run', () => {
    const g = groupByRun([
      { run_id: 'a', step: 0, timestamp: 0, value: 1 },
      { run_id: 'b', step: 0, timestamp: 0, value: 2 },
      { run_id: 'a', step: 1, timestamp: 0, value: 3 },
    ]);
    assert.deepEqual([...g.keys()], ['a', 'b']);
    assert.equal(g.get('a')!.length, 2);
  });

  it('smooths with a debiased EMA and passes NaN through', () => {
    assert.deepEqual(smoothEma([1, 2, 3], 0), [1, 2, 3]);
    const s = smoothEma([10, 10, Number.NaN, 10], 0.9);
    // Debiasing makes a constant series stay constant from the first point.
    assert.ok(Math.abs(s[0]! - 10) < 1e-9 && Math.abs(s[3]! - 10) < 1e-9);
    assert.ok(Number.isNaN(s[2]!));
  });

  it('downsamples to min and max per bucket, keeping spikes', () => {
    const n = 10_000;
    const xs = Array.from({ length: n }, (_, i) => i);
    const ys = xs.map((i) => (i === 4321 ? 1000 : i === 777 ? -1000 : Math.sin(i / 100)));
    const d = downsampleMinMax({ label: 'r', xs, ys }, 100);
    assert.ok(d.xs.length <= 200, `${d.xs.length} points`);
    assert.ok(d.ys.includes(1000) && d.ys.includes(-1000), 'spikes survive');
    assert.deepEqual(
      d.xs,
      [...d.xs].sort((a, b) => a - b),
      'x stays ordered',
    );
    const small = { label: 's', xs: [1, 2], ys: [3, 4] };
    assert.equal(downsampleMinMax(small, 100), small);
  });

  it('aligns series on the union of x, null where a series has no point or a non-finite one', () => {
    const [xs, a, b] = alignSeries([
      { label: 'a', xs: [0, 2], ys: [1, Number.NaN] },
      { label: 'b', xs: [1, 2], ys: [5, 6] },
    ]);
    assert.deepEqual(xs, [0, 1, 2]);
    assert.deepEqual(a, [1, null, null]);
    assert.deepEqual(b, [null, 5, 6]);
  });
});
