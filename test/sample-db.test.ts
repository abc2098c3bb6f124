// A database written by Python MLflow 2.9.2 opens in place: read, then written, then read again.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openSqlTrackingStore, type SqlTrackingStore } from '@mlflow-ts/server';
import { parseRunFilter } from '../packages/server/src/core/search/index.ts';

const SAMPLE = new URL('fixtures/reference/db/mlflow-2.9.2-sample.db', import.meta.url);
const TRAIN_C01 = '2e8934efe91c47ed95c560d56df08eae';

describe('MLflow 2.9.2 sample database, opened in place', () => {
  let dir: string;
  let store: SqlTrackingStore;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mlflow-ts-sample-'));
    const path = join(dir, 'mlflow.db');
    copyFileSync(SAMPLE, path);
    store = await openSqlTrackingStore(`sqlite:///${path}`, { defaultArtifactRoot: 'mlflow-artifacts:/' });
  });
  after(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads its experiments, including the deleted one', async () => {
    const all = await store.searchExperiments({
      viewType: 'ALL',
      filter: [],
      orderBy: [],
      maxResults: 100,
      offset: 0,
    });
    assert.deepEqual(all.items.map((e) => e.name).sort(), [
      'Default',
      'sample-exp-a',
      'sample-exp-b',
      'sample-exp-deleted',
    ]);
    const a = await store.getExperimentByName('sample-exp-a');
    assert.deepEqual(
      a?.tags?.find((t) => t.key === 'team'),
      { key: 'team', value: 'vision' },
    );
    assert.equal((await store.getExperiment('3')).lifecycle_stage, 'deleted');
  });

  it('reads runs with params, tags, latest metrics (NaN, clamped +inf) and dataset inputs', async () => {
    const run = await store.getRun(TRAIN_C01);
    assert.equal(run.info.run_name, 'train-C0.1');
    assert.equal(run.info.status, 'FINISHED');
    assert.equal(run.info.start_time, 1700000000000);
    assert.ok(run.data.params?.length);
    assert.ok(run.data.tags?.some((t) => t.key === 'mlflow.log-model.history'));
    assert.equal(run.inputs?.dataset_inputs?.[0]?.dataset.name, 'iris-head');
    assert.deepEqual(run.inputs?.dataset_inputs?.[0]?.tags, [
      { key: 'mlflow.data.context', value: 'training' },
    ]);
    const history = await store.getMetricHistoryPage(TRAIN_C01, 'loss', 0, 100);
    assert.equal(history.items.length, 5);

    const evalRun = (
      await store.searchRuns({
        experimentIds: ['2'],
        filter: parseRunFilter("run_name = 'eval-run'"),
        orderBy: [],
        viewType: 'ALL',
        maxResults: 10,
        offset: 0,
      })
    ).items[0]!;
    const metrics = Object.fromEntries((evalRun.data.metrics ?? []).map((m) => [m.key, m.value]));
    assert.equal(metrics.score, 0.5, 'step 1 is the latest');
    assert.equal(metrics.upper, 1.7976931348623157e308);
    const score = await store.getMetricHistoryPage(evalRun.info.run_id, 'score', 0, 10);
    assert.deepEqual(
      score.items.map((p) => [p.step, p.value]),
      [
        [0, 'NaN'],
        [1, 0.5],
      ],
    );
  });

  it('searches its runs and finds the child run by parent tag', async () => {
    const children = await store.searchRuns({
      experimentIds: ['1'],
      filter: parseRunFilter(`tags.mlflow.parentRunId = '${TRAIN_C01}'`),
      orderBy: [],
      viewType: 'ACTIVE_ONLY',
      maxResults: 10,
      offset: 0,
    });
    assert.deepEqual(
      children.items.map((r) => r.info.run_name),
      ['child-fold-0'],
    );
  });

  it('accepts new experiments, runs and metrics next to the old ones', async () => {
    const id = await store.createExperiment({ name: 'written-by-mlflow-ts', tags: [] });
    assert.equal(id, '4', 'continues the integer ids');
    const run = await store.createRun({ experimentId: '1', userId: 'u', startTime: 1, tags: [] });
    await store.logBatch(run.info.run_id, {
      metrics: [{ key: 'loss', value: 0.1, timestamp: 1, step: 0 }],
      params: [],
      tags: [],
    });
    const old = await store.getRun(TRAIN_C01);
    await store.logBatch(TRAIN_C01, {
      metrics: [{ key: 'extra', value: 1, timestamp: 1, step: 0 }],
      params: [],
      tags: [],
    });
    assert.equal((await store.getRun(TRAIN_C01)).data.metrics?.length, (old.data.metrics?.length ?? 0) + 1);
  });
});
