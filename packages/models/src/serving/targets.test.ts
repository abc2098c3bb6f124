import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseRoute, validateRoutes, weightedIndex } from './targets.ts';

it('weightedIndex gives each route its share of [0, 1)', () => {
  const w = [90, 10];
  assert.equal(weightedIndex(w, 0), 0);
  assert.equal(weightedIndex(w, 0.8999), 0);
  assert.equal(weightedIndex(w, 0.9), 1);
  assert.equal(weightedIndex(w, 0.99999999), 1);
  // A zero-weight route never gets traffic, even at the edges.
  assert.equal(weightedIndex([1, 0], 0.999999), 0);
  assert.equal(weightedIndex([0, 3, 1], 0), 1);
  const counts = [0, 0, 0];
  for (let i = 0; i < 1000; i++) counts[weightedIndex([1, 2, 1], i / 1000)]!++;
  assert.deepEqual(counts, [250, 500, 250]);
});

it('parses and checks --route and --shadow', () => {
  assert.deepEqual(parseRoute('champion=90'), { alias: 'champion', weight: 90 });
  assert.deepEqual(parseRoute('b=0.5'), { alias: 'b', weight: 0.5 });
  assert.throws(() => parseRoute('champion'), /ALIAS=WEIGHT/);
  assert.throws(() => parseRoute('champion=-1'), /ALIAS=WEIGHT/);
  assert.throws(() => validateRoutes([], null), /at least one --route/);
  assert.throws(() => validateRoutes([{ alias: 'a', weight: 0 }], null), /weight above 0/);
  assert.throws(() => validateRoutes([parseRoute('a=1'), parseRoute('a=2')], null), /twice/);
  assert.throws(() => validateRoutes([parseRoute('a=1')], 'a'), /also a --route/);
  assert.doesNotThrow(() => validateRoutes([parseRoute('a=1')], 'b'));
});
