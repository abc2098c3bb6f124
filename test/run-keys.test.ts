// Our run-keys addition (GET /ajax-api/2.0/mlflow/experiments/run-keys, docs/ui.md) on each dialect:
// distinct keys of the experiments' runs only, in key order, bounded, with MLflow-shaped errors.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { createTestApp, type TestApp } from './support/app.ts';
import { describeEachDialect } from './support/dialects.ts';

describeEachDialect('run keys for the UI’s column picker', (dialect) => {
  let t: TestApp;
  let expA: string;
  let expB: string;
  let empty: string;
  before(async () => {
    t = await createTestApp(dialect);
    const { store } = t;
    expA = await store.createExperiment({ name: 'keys-a', tags: [] });
    expB = await store.createExperiment({ name: 'keys-b', tags: [] });
    empty = await store.createExperiment({ name: 'keys-empty', tags: [] });
    const run = async (exp: string, metrics: string[], params: string[], tags: string[]) => {
      const id = (await store.createRun({ experimentId: exp, userId: 'u', startTime: 0, tags: [] })).info
        .run_id;
      await store.logBatch(id, {
        metrics: metrics.map((key) => ({ key, value: 1, timestamp: 0, step: 0 })),
        params: params.map((key) => ({ key, value: 'v' })),
        tags: tags.map((key) => ({ key, value: 'v' })),
      });
    };
    // Keys shared between runs, keys only in B, and keys that sort around the ones of A.
    await run(expA, ['loss', 'acc'], ['lr'], ['team']);
    await run(expA, ['loss', 'val loss'], ['lr', 'depth'], []);
    await run(expB, ['a-first', 'loss', 'zz-last'], ['b-only'], ['b-tag']);
  });
  after(() => t.close());

  const get = (query: string) =>
    t.app.inject({ method: 'GET', url: `/ajax-api/2.0/mlflow/experiments/run-keys?${query}` });

  it('lists each kind’s distinct keys of the experiment’s runs, sorted', async () => {
    const res = await get(`experiment_ids=${expA}`);
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.deepEqual(body.metrics, ['acc', 'loss', 'val loss']);
    assert.deepEqual(body.params, ['depth', 'lr']);
    // createRun adds no tags here; the run name tag is MLflow's own (mlflow.runName).
    assert.ok(body.tags.includes('team') && !body.tags.includes('b-tag'), JSON.stringify(body.tags));
    assert.equal(body.truncated, false);
  });

  it('unites several experiments; an experiment without runs has no keys', async () => {
    const body = (await get(`experiment_ids=${expA}&experiment_ids=${expB}`)).json();
    assert.deepEqual(body.metrics, ['a-first', 'acc', 'loss', 'val loss', 'zz-last']);
    assert.deepEqual(body.params, ['b-only', 'depth', 'lr']);
    assert.deepEqual((await get(`experiment_ids=${empty}`)).json(), {
      metrics: [],
      params: [],
      tags: [],
      truncated: false,
    });
  });

  it('stops at max_keys and says so', async () => {
    const body = (await get(`experiment_ids=${expA}&experiment_ids=${expB}&max_keys=2`)).json();
    assert.deepEqual(body.metrics, ['a-first', 'acc']);
    assert.deepEqual(body.params, ['b-only', 'depth']);
    assert.equal(body.truncated, true);
  });

  it('answers bad requests with MLflow’s error shape, and only under /ajax-api', async () => {
    for (const [query, message] of [
      ['', /Missing value for required parameter 'experiment_ids'/],
      ['experiment_ids=abc', /Invalid experiment ID: 'abc'/],
      [`experiment_ids=${expA}&max_keys=0`, /max_keys must be an integer between 1 and 10000/],
    ] as const) {
      const res = await get(query);
      assert.equal(res.statusCode, 400, query);
      assert.equal(res.json().error_code, 'INVALID_PARAMETER_VALUE');
      assert.match(res.json().message, message);
    }
    const api = await t.app.inject({
      method: 'GET',
      url: `/api/2.0/mlflow/experiments/run-keys?experiment_ids=${expA}`,
    });
    assert.equal(api.statusCode, 404);
  });
});
