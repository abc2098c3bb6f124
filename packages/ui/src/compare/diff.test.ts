import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Run } from '@mlflow-ts/client';
import { diffRows } from './diff.ts';

const run = (
  id: string,
  params: Record<string, string>,
  metrics: Record<string, number>,
  tags: Record<string, string> = {},
): Run => ({
  info: {
    run_id: id,
    run_uuid: id,
    experiment_id: '1',
    user_id: 'u',
    status: 'FINISHED',
    start_time: 0,
    lifecycle_stage: 'active',
  },
  data: {
    params: Object.entries(params).map(([key, value]) => ({ key, value })),
    metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, step: 0, timestamp: 0 })),
    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
  },
});

describe('diff table rows', () => {
  const runs = [
    run('a', { lr: '0.1', model: 'mlp' }, { loss: 0.5, nan: Number.NaN }, { 'mlflow.user': 'x', team: 'a' }),
    run('b', { lr: '0.2', model: 'mlp' }, { loss: 0.5, nan: Number.NaN }, { 'mlflow.user': 'y', team: 'a' }),
    run('c', { lr: '0.1', model: 'mlp', extra: '1' }, { loss: 0.4 }, { 'mlflow.user': 'x', team: 'a' }),
  ];

  it('lists every key with one value per run and marks the ones that differ', () => {
    const rows = diffRows(runs, { onlyDifferences: false });
    const lr = rows.find((r) => r.key === 'lr')!;
    assert.deepEqual(lr.values, ['0.1', '0.2', '0.1']);
    assert.equal(lr.differs, true);
    assert.equal(rows.find((r) => r.key === 'model')!.differs, false);
    // A key one run lacks differs (missing is a value of its own).
    assert.deepEqual(rows.find((r) => r.key === 'extra')!.values, [undefined, undefined, '1']);
    assert.deepEqual(rows.find((r) => r.key === 'nan')!.values, ['NaN', 'NaN', undefined]);
  });

  it('keeps only differing rows when asked, and hides mlflow.* tags unless asked', () => {
    const keys = diffRows(runs, { onlyDifferences: true }).map((r) => `${r.section}/${r.key}`);
    assert.deepEqual(keys, ['Parameters/extra', 'Parameters/lr', 'Metrics/loss', 'Metrics/nan']);
    const withSystem = diffRows(runs, { onlyDifferences: true, systemTags: true }).map((r) => r.key);
    assert.ok(withSystem.includes('mlflow.user'));
  });
});
