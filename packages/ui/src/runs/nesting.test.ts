import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Run } from '@mlflow-ts/client';
import { groupRuns, PARENT_TAG } from './nesting.ts';

const run = (id: string, parent?: string): Run => ({
  info: {
    run_id: id,
    run_uuid: id,
    experiment_id: '1',
    user_id: '',
    status: 'FINISHED',
    start_time: 0,
    lifecycle_stage: 'active',
  },
  data: { tags: parent ? [{ key: PARENT_TAG, value: parent }] : [] },
});

const shape = (rows: ReturnType<typeof groupRuns>) =>
  rows.map((r) => `${'  '.repeat(r.depth)}${r.run.info.run_id}:${r.childCount}`);

describe('nested runs', () => {
  // Server order: c1 comes before its parent p, and g (grandchild) before c2.
  const runs = [
    run('c1', 'p'),
    run('a'),
    run('g', 'c2'),
    run('p'),
    run('c2', 'p'),
    run('orphan', 'not-loaded'),
  ];

  it('shows parents with their child counts, children hidden until expanded', () => {
    assert.deepEqual(shape(groupRuns(runs, new Set())), ['a:0', 'p:2', 'orphan:0']);
  });

  it('puts expanded children right under their parent, in server order', () => {
    assert.deepEqual(shape(groupRuns(runs, new Set(['p']))), ['a:0', 'p:2', '  c1:0', '  c2:1', 'orphan:0']);
    assert.deepEqual(shape(groupRuns(runs, new Set(['p', 'c2']))), [
      'a:0',
      'p:2',
      '  c1:0',
      '  c2:1',
      '    g:0',
      'orphan:0',
    ]);
  });

  it('never loses a run: self-parents and cycles stay visible', () => {
    const odd = [run('self', 'self'), run('x', 'y'), run('y', 'x')];
    assert.deepEqual(shape(groupRuns(odd, new Set())), ['self:0', 'x:1']);
    assert.deepEqual(shape(groupRuns(odd, new Set(['x']))), ['self:0', 'x:1', '  y:0']);
    // Expanding everything in a cycle still shows each run once.
    assert.deepEqual(shape(groupRuns(odd, new Set(['x', 'y']))), ['self:0', 'x:1', '  y:0']);
  });
});
