import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeAxis } from './axis.ts';

describe('plot axes', () => {
  it('is numeric when every present value is a number, strings included', () => {
    const a = makeAxis(['0.1', '0.3', undefined, 0.2]);
    assert.equal(a.kind, 'numeric');
    assert.equal(a.position('0.1'), 0);
    assert.equal(a.position(0.3), 1);
    assert.ok(Math.abs(a.position('0.2')! - 0.5) < 1e-9);
    assert.equal(a.position(undefined), null);
    assert.equal(a.ticks.length, 5);
    assert.equal(a.ticks[0]!.label, '0.1');
  });

  it('centres a single value', () => {
    assert.equal(makeAxis([3, 3]).position(3), 0.5);
  });

  it('is categorical otherwise: sorted distinct values, evenly spaced', () => {
    const a = makeAxis(['sgd', 'adam', 'sgd', 'rmsprop', '']);
    assert.equal(a.kind, 'categorical');
    assert.deepEqual(
      a.ticks.map((t) => t.label),
      ['', 'adam', 'rmsprop', 'sgd'],
    );
    assert.equal(a.position('sgd'), 1);
    assert.equal(a.position('adam'), 1 / 3);
    assert.equal(a.position('unknown'), null);
    assert.equal(makeAxis(['only']).position('only'), 0.5);
  });
});
