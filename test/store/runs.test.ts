import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { rejectsWith as rejects } from '../support/assertions.ts';
import { describeEachDialect } from '../support/dialects.ts';
import { createTestStore, type TestStore } from '../support/store.ts';

const byKey = <T extends { key: string }>(list: T[] | undefined) =>
  Object.fromEntries((list ?? []).map((x) => [x.key, x]));

describeEachDialect('run store', (dialect) => {
  let t: TestStore;
  let exp: string;
  before(async () => {
    t = await createTestStore(dialect);
    exp = await t.store.createExperiment({ name: 'runs', tags: [] });
  });
  after(() => t.close());

  const newRun = (runName?: string, tags: { key: string; value: string }[] = []) =>
    t.store.createRun({ experimentId: exp, userId: 'alice', runName, startTime: 1_700_000_000_000, tags });

  it('creates runs with MLflow ids, names, artifact URIs and the runName tag', async () => {
    const run = await newRun('run-a', [{ key: 'owner', value: 'x' }]);
    assert.match(run.info.run_id, /^[0-9a-f]{32}$/);
    assert.equal(run.info.run_uuid, run.info.run_id);
    assert.equal(run.info.artifact_uri, `mlflow-artifacts:/${exp}/${run.info.run_id}/artifacts`);
    assert.equal(run.info.status, 'RUNNING');
    assert.equal(run.info.end_time, undefined);
    assert.deepEqual(run.data.tags, [
      { key: 'owner', value: 'x' },
      { key: 'mlflow.runName', value: 'run-a' },
    ]);
    const random = await newRun();
    assert.match(random.info.run_name ?? '', /^[a-z]+-[a-z]+-\d{1,3}$/);
    assert.ok((random.info.run_name ?? '').length <= 20);
    const byTag = await newRun(undefined, [{ key: 'mlflow.runName', value: 'from-tag' }]);
    assert.equal(byTag.info.run_name, 'from-tag');
    await rejects(
      newRun('a', [{ key: 'mlflow.runName', value: 'b' }]),
      'INVALID_PARAMETER_VALUE',
      /different values/,
    );
  });

  it('refuses runs in missing or deleted experiments', async () => {
    await rejects(
      t.store.createRun({ experimentId: '999', userId: '', startTime: 0, tags: [] }),
      'RESOURCE_DOES_NOT_EXIST',
    );
    const gone = await t.store.createExperiment({ name: 'gone', tags: [] });
    await t.store.deleteExperiment(gone);
    await rejects(
      t.store.createRun({ experimentId: gone, userId: '', startTime: 0, tags: [] }),
      'INVALID_PARAMETER_VALUE',
      /must be in the 'active' state/,
    );
  });

  it('logs params (immutable), tags (upsert) and metrics in one batch', async () => {
    const id = (await newRun('batch')).info.run_id;
    await t.store.logBatch(id, {
      metrics: [
        { key: 'loss', value: 0.9, timestamp: 10, step: 0 },
        { key: 'loss', value: 0.5, timestamp: 11, step: 1 },
      ],
      params: [{ key: 'lr', value: '0.1' }],
      tags: [{ key: 't', value: '1' }],
    });
    await t.store.logBatch(id, {
      metrics: [],
      params: [{ key: 'lr', value: '0.1' }],
      tags: [{ key: 't', value: '2' }],
    });
    await rejects(
      t.store.logBatch(id, { metrics: [], params: [{ key: 'lr', value: '0.2' }], tags: [] }),
      'INVALID_PARAMETER_VALUE',
      /Changing param values is not allowed. Params were already logged='\[\{'key': 'lr', 'old_value': '0.1', 'new_value': '0.2'\}\]'/,
    );
    const run = await t.store.getRun(id);
    assert.equal(byKey(run.data.params).lr?.value, '0.1');
    assert.equal(byKey(run.data.tags).t?.value, '2');
    assert.deepEqual(byKey(run.data.metrics).loss, { key: 'loss', value: 0.5, timestamp: 11, step: 1 });
  });

  it('is all-or-nothing: a param conflict writes none of the batch', async () => {
    const id = (await newRun('atomic')).info.run_id;
    await t.store.logBatch(id, { metrics: [], params: [{ key: 'p', value: 'a' }], tags: [] });
    await rejects(
      t.store.logBatch(id, {
        metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }],
        params: [{ key: 'p', value: 'b' }],
        tags: [{ key: 'new-tag', value: 'x' }],
      }),
      'INVALID_PARAMETER_VALUE',
    );
    const run = await t.store.getRun(id);
    assert.equal(run.data.metrics, undefined);
    assert.equal(byKey(run.data.tags)['new-tag'], undefined);
    assert.equal((await t.store.getMetricHistoryPage(id, 'm', 0, 10)).items.length, 0);
  });

  it('keeps the latest metric by step, then timestamp, then value; NaN and ±Infinity as MLflow stores them', async () => {
    const id = (await newRun('latest')).info.run_id;
    const log = (key: string, value: number, timestamp: number, step: number) =>
      t.store.logBatch(id, { metrics: [{ key, value, timestamp, step }], params: [], tags: [] });
    await log('m', 5, 100, 2);
    await log('m', 9, 999, 1); // older step loses even with a later timestamp
    await log('m', 1, 101, 2); // same step, later timestamp wins
    await log('m', 7, 101, 2); // same step and timestamp, larger value wins
    await log('nan', Number.NaN, 1, 0);
    await log('inf', Number.POSITIVE_INFINITY, 1, 0);
    await log('ninf', Number.NEGATIVE_INFINITY, 1, 0);
    await log('m', 7, 101, 2); // exact duplicate: ignored, no error
    const m = byKey((await t.store.getRun(id)).data.metrics);
    assert.deepEqual(m.m, { key: 'm', value: 7, timestamp: 101, step: 2 });
    assert.equal(m.nan?.value, 'NaN');
    assert.equal(m.inf?.value, 1.7976931348623157e308);
    assert.equal(m.ninf?.value, -1.7976931348623157e308);
    const history = await t.store.getMetricHistoryPage(id, 'm', 0, 100);
    assert.deepEqual(
      history.items.map((p) => [p.step, p.timestamp, p.value]),
      [
        [1, 999, 9],
        [2, 100, 5],
        [2, 101, 1],
        [2, 101, 7],
      ],
    );
  });

  it('creates a run and its tags together or not at all', async () => {
    const own = await t.store.createExperiment({ name: 'all-or-nothing', tags: [] });
    const create = (tags: { key: string; value: string }[]) =>
      t.store.createRun({ experimentId: own, userId: 'alice', startTime: 1, tags });
    // PostgreSQL enforces the tag columns' lengths (MLflow's VARCHAR(250) key); SQLite stores any length, so
    // there the tag goes in and the run with it.
    const failed = await create([{ key: 'k'.repeat(300), value: 'v' }]).then(
      () => false,
      () => true,
    );
    assert.equal(failed, dialect === 'postgresql');
    const page = await t.store.searchRuns({
      experimentIds: [own],
      filter: [],
      orderBy: [],
      viewType: 'ALL',
      maxResults: 10,
      offset: 0,
    });
    assert.equal(page.items.length, failed ? 0 : 1);
    await rejects(
      t.store.createRun({ experimentId: '999999', userId: 'a', startTime: 1, tags: [] }),
      'RESOURCE_DOES_NOT_EXIST',
    );
  });

  it('stores every point of batches of any size once, whatever statements they are split into', async () => {
    // SQLite inserts metrics in multi-row chunks (64·k rows up to 1,024, powers of two below 64): sizes
    // around the chunk boundaries, exact duplicates inside one batch and across batches, and the same
    // statement shapes (run check, latest_metrics upsert) reused by later batches.
    const id = (await newRun('sizes')).info.run_id;
    let step = 0;
    const expected = new Map<string, { value: number; timestamp: number; step: number }[]>();
    for (const size of [1, 2, 7, 63, 64, 65, 127, 1000, 1024, 1025, 2100, 1000, 1]) {
      const metrics = Array.from({ length: size }, (_, i) => ({
        key: `k${i % 3}`,
        value: (step + i) / 3,
        timestamp: 1_700_000_000_000 + step + i,
        step: step + i,
      }));
      for (const m of metrics) {
        const list = expected.get(m.key) ?? [];
        list.push({ value: m.value, timestamp: m.timestamp, step: m.step });
        expected.set(m.key, list);
      }
      // The first point again inside the batch, and the previous batch's last point: both ignored.
      const repeated = [metrics[0]!, ...(step > 0 ? [{ key: 'k0', ...expected.get('k0')!.at(-1)! }] : [])];
      await t.store.logBatch(id, { metrics: [...metrics, ...repeated], params: [], tags: [] });
      step += size;
    }
    const run = await t.store.getRun(id);
    for (const [key, points] of expected) {
      const history = await t.store.getMetricHistoryPage(id, key, 0, 10_000);
      assert.deepEqual(
        history.items.map((p) => ({ value: p.value, timestamp: p.timestamp, step: p.step })),
        points,
        key,
      );
      assert.deepEqual(byKey(run.data.metrics)[key], { key, ...points.at(-1)! });
    }
  });

  it('updates status, end time and name (keeping the runName tag in sync)', async () => {
    const id = (await newRun('before')).info.run_id;
    const info = await t.store.updateRun(id, {
      status: 'FINISHED',
      endTime: 1_700_000_060_000,
      runName: 'after',
    });
    assert.equal(info.status, 'FINISHED');
    assert.equal(info.end_time, 1_700_000_060_000);
    assert.equal(info.run_name, 'after');
    assert.equal(byKey((await t.store.getRun(id)).data.tags)['mlflow.runName']?.value, 'after');
    await t.store.logBatch(id, {
      metrics: [],
      params: [],
      tags: [{ key: 'mlflow.runName', value: 'by-tag' }],
    });
    assert.equal((await t.store.getRun(id)).info.run_name, 'by-tag');
  });

  it('deletes and restores runs; deleted runs refuse writes but can be read', async () => {
    const id = (await newRun('del')).info.run_id;
    await t.store.deleteRun(id);
    await t.store.deleteRun(id); // deleting twice is fine (as in MLflow)
    assert.equal((await t.store.getRun(id)).info.lifecycle_stage, 'deleted');
    await rejects(
      t.store.logBatch(id, { metrics: [], params: [], tags: [{ key: 'a', value: 'b' }] }),
      'INVALID_PARAMETER_VALUE',
      /must be in the 'active' state. Current state is deleted/,
    );
    await rejects(t.store.updateRun(id, { status: 'FINISHED' }), 'INVALID_PARAMETER_VALUE');
    await t.store.restoreRun(id);
    assert.equal((await t.store.getRun(id)).info.lifecycle_stage, 'active');
    await rejects(t.store.deleteRun('f'.repeat(32)), 'RESOURCE_DOES_NOT_EXIST', /Run with id=f+ not found/);
    await rejects(t.store.getRun('0'.repeat(32)), 'RESOURCE_DOES_NOT_EXIST');
  });

  it('deletes tags, with an error for a missing one', async () => {
    const id = (await newRun('tags')).info.run_id;
    await t.store.logBatch(id, { metrics: [], params: [], tags: [{ key: 'x', value: '1' }] });
    await t.store.deleteTag(id, 'x');
    assert.equal(byKey((await t.store.getRun(id)).data.tags).x, undefined);
    await rejects(t.store.deleteTag(id, 'x'), 'RESOURCE_DOES_NOT_EXIST');
  });

  it('logs dataset inputs once per dataset and run, with their input tags', async () => {
    const id = (await newRun('inputs')).info.run_id;
    const dataset = {
      name: 'iris',
      digest: 'abc123',
      source_type: 'local',
      source: '{"uri": "x"}',
      schema: '{}',
    };
    const tags = [{ key: 'mlflow.data.context', value: 'training' }];
    await t.store.logInputs(id, [{ dataset, tags }]);
    await t.store.logInputs(id, [{ dataset, tags }]);
    const run = await t.store.getRun(id);
    assert.deepEqual(run.inputs?.dataset_inputs, [{ dataset, tags }]);
    const other = (await newRun('inputs-2')).info.run_id;
    await t.store.logInputs(other, [{ dataset, tags: [] }]);
    const summaries = (await t.store.searchDatasets([exp])).map((d) => JSON.stringify(d)).sort();
    const expected = [
      { experiment_id: exp, name: 'iris', digest: 'abc123', context: 'training' },
      { experiment_id: exp, name: 'iris', digest: 'abc123' },
    ];
    assert.deepEqual(summaries, expected.map((d) => JSON.stringify(d)).sort());
  });

  it('appends logged models to mlflow.log-model.history', async () => {
    const id = (await newRun('models')).info.run_id;
    const model = { run_id: id, artifact_path: 'model', utc_time_created: '2026-01-01', flavors: {} };
    await t.store.appendLoggedModel(id, model);
    await t.store.appendLoggedModel(id, { ...model, artifact_path: 'model2' });
    const history = JSON.parse(
      byKey((await t.store.getRun(id)).data.tags)['mlflow.log-model.history']!.value,
    );
    assert.deepEqual(
      history.map((m: { artifact_path: string }) => m.artifact_path),
      ['model', 'model2'],
    );
  });
});
