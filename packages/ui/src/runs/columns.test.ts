import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Run } from '@mlflow-ts/client';
import {
  cellValue,
  defaultColumns,
  discoverKeys,
  mergeKeys,
  orderByFor,
  parseColumn,
  visibleColumns,
} from './columns.ts';

const run = (id: string, data: Run['data'], info: Partial<Run['info']> = {}): Run => ({
  info: {
    run_id: id,
    run_uuid: id,
    experiment_id: '1',
    user_id: 'u',
    status: 'FINISHED',
    start_time: 1000,
    end_time: 4000,
    lifecycle_stage: 'active',
    ...info,
  },
  data,
});

describe('column model', () => {
  it('parses ids of every kind and rejects malformed ones', () => {
    assert.equal(parseColumn('metric:val loss')?.orderKey, 'metrics.`val loss`');
    assert.equal(parseColumn('param:lr')?.orderKey, 'params.lr');
    assert.equal(parseColumn('tag:mlflow.user')?.orderKey, 'tags.`mlflow.user`');
    // A key may itself contain colons: only the first one separates the kind.
    assert.equal(parseColumn('param:a:b')?.key, 'a:b');
    assert.equal(parseColumn('attr:duration')?.orderKey, null, 'the server cannot sort by duration');
    for (const bad of ['metric:', 'nope:x', 'attr:unknown', 'loss', ':x'])
      assert.equal(parseColumn(bad), null, bad);
  });

  it('turns a sort into order_by', () => {
    assert.deepEqual(orderByFor('metric:loss', true), ['metrics.loss DESC']);
    assert.deepEqual(orderByFor('attr:start_time', false), ['attributes.start_time ASC']);
    assert.deepEqual(orderByFor('attr:duration', false), []);
  });

  it('reads cells from runs, undefined where a run lacks the key', () => {
    const r = run('a', {
      metrics: [{ key: 'loss', value: Number.NaN, step: 1, timestamp: 1 }],
      params: [{ key: 'lr', value: '0.1' }],
    });
    assert.ok(Number.isNaN(cellValue(r, parseColumn('metric:loss')!) as number));
    assert.equal(cellValue(r, parseColumn('param:lr')!), '0.1');
    assert.equal(cellValue(r, parseColumn('tag:x')!), undefined);
    assert.equal(cellValue(r, parseColumn('attr:duration')!), 3000);
    assert.equal(cellValue(run('b', {}, { end_time: undefined }), parseColumn('attr:duration')!), undefined);
    assert.equal(cellValue(r, parseColumn('attr:run_name')!), 'a', 'the id stands in for a missing name');
  });

  it('collects keys across runs, sorted and without duplicates', () => {
    const keys = discoverKeys([
      run('a', { metrics: [{ key: 'z', value: 1, step: 0, timestamp: 0 }], tags: [{ key: 't', value: '' }] }),
      run('b', {
        metrics: [
          { key: 'a', value: 1, step: 0, timestamp: 0 },
          { key: 'z', value: 2, step: 0, timestamp: 0 },
        ],
      }),
    ]);
    assert.deepEqual(keys, { metric: ['a', 'z'], param: [], tag: ['t'] });
  });

  it('defaults to a few metrics and params, and shows the experiment only for several', () => {
    const runs = [
      run('a', {
        metrics: ['m1', 'm2', 'm3', 'm4'].map((key) => ({ key, value: 1, step: 0, timestamp: 0 })),
        params: [{ key: 'p', value: '' }],
      }),
    ];
    assert.deepEqual(defaultColumns(runs), ['metric:m1', 'metric:m2', 'metric:m3', 'param:p']);
    const ids = (cols: { id: string }[]) => cols.map((c) => c.id);
    assert.ok(!ids(visibleColumns([], false)).includes('attr:experiment_id'));
    assert.ok(ids(visibleColumns([], true)).includes('attr:experiment_id'));
    // Duplicates, the pinned name column and junk are dropped.
    assert.deepEqual(ids(visibleColumns(['param:p', 'param:p', 'attr:run_name', 'junk'], false)).slice(-1), [
      'param:p',
    ]);
  });
});

it('mergeKeys: the server’s keys and the loaded runs’ keys, united and sorted', () => {
  assert.deepEqual(
    mergeKeys(
      { metrics: ['loss', 'acc'], params: ['lr'], tags: [] },
      { metric: ['new_metric', 'loss'], param: [], tag: ['team'] },
    ),
    { metric: ['acc', 'loss', 'new_metric'], param: ['lr'], tag: ['team'] },
  );
});
