import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LIMITS } from '@mlflow-ts/protocol';
import { MlflowApiError } from './errors.ts';
import { MlflowClient } from './mlflow-client.ts';
import {
  type Handler,
  jsonOf,
  type RecordingServer,
  requestsTo,
  startRecordingServer,
} from './testing/recording-server.ts';

let server: RecordingServer;
before(async () => {
  server = await startRecordingServer(() => ({}));
});
after(() => server.close());

function setup(handler: Handler): MlflowClient {
  server.requests.length = 0;
  server.handler = handler;
  return new MlflowClient({ trackingUri: server.uri, backoffMs: 1, maxRetries: 1 });
}

const RUN_ID = 'a0ec34c3254246e5aca4b301915d6c91';
// From tracking-runs.jsonl seq 2 (runs/create response of MLflow 2.9.2; note: no "inputs").
const CREATED_RUN = {
  run: {
    info: {
      run_uuid: RUN_ID,
      experiment_id: '1',
      run_name: 'run-a',
      user_id: 'unknown',
      status: 'RUNNING',
      start_time: 1700000000000,
      artifact_uri: `mlflow-artifacts:/1/${RUN_ID}/artifacts`,
      lifecycle_stage: 'active',
      run_id: RUN_ID,
    },
    data: {
      tags: [
        { key: 'owner', value: 'goldrec' },
        { key: 'stage', value: 'dev' },
        { key: 'mlflow.runName', value: 'run-a' },
      ],
    },
  },
};

describe('experiments', () => {
  test('getExperimentByName returns null on RESOURCE_DOES_NOT_EXIST and rethrows other errors', async () => {
    let client = setup(() => ({
      status: 404,
      body: {
        error_code: 'RESOURCE_DOES_NOT_EXIST',
        message: "Could not find experiment with name 'gr-exp-missing'",
      },
    }));
    assert.equal(await client.getExperimentByName('gr-exp-missing'), null);
    assert.deepEqual(server.requests[0]?.query, { experiment_name: ['gr-exp-missing'] });

    client = setup(() => ({ status: 403, body: { error_code: 'PERMISSION_DENIED', message: 'no' } }));
    await assert.rejects(client.getExperimentByName('x'), MlflowApiError);
  });

  test('createExperiment sends tags as key/value list and returns the id', async () => {
    const client = setup(() => ({ body: { experiment_id: '3' } }));
    const id = await client.createExperiment('gr-exp-gamma', {
      artifactLocation: 'mlflow-artifacts:/custom-location/gamma',
      tags: { team: 'gamma' },
    });
    assert.equal(id, '3');
    assert.deepEqual(server.requests[0]?.json, {
      name: 'gr-exp-gamma',
      artifact_location: 'mlflow-artifacts:/custom-location/gamma',
      tags: [{ key: 'team', value: 'gamma' }],
    });
  });

  test('searchExperiments sends Python’s defaults and returns a paged list', async () => {
    const client = setup(() => ({
      body: {
        experiments: [
          {
            experiment_id: '0',
            name: 'Default',
            artifact_location: 'mlflow-artifacts:/0',
            lifecycle_stage: 'active',
          },
        ],
        next_page_token: 'eyJvZmZzZXQiOiAyfQ==',
      },
    }));
    const page = await client.searchExperiments({ orderBy: ['name ASC'] });
    assert.deepEqual(server.requests[0]?.json, {
      max_results: 1000,
      view_type: 'ACTIVE_ONLY',
      order_by: ['name ASC'],
    });
    assert.equal(page.items[0]?.name, 'Default');
    assert.equal(page.nextPageToken, 'eyJvZmZzZXQiOiAyfQ==');

    const last = setup(() => ({ body: {} }));
    assert.deepEqual(await last.searchExperiments(), { items: [], nextPageToken: null });
  });

  test('renameExperiment posts to experiments/update', async () => {
    const client = setup(() => ({ body: {} }));
    await client.renameExperiment('1', 'gr-exp-alpha-renamed');
    assert.equal(server.requests[0]?.path, '/api/2.0/mlflow/experiments/update');
    assert.deepEqual(server.requests[0]?.json, { experiment_id: '1', new_name: 'gr-exp-alpha-renamed' });
  });
});

describe('runs', () => {
  test('createRun sends user_id from the mlflow.user tag, start_time and tags; fills absent inputs', async () => {
    const client = setup(() => ({ body: CREATED_RUN }));
    const run = await client.createRun('1', {
      runName: 'run-a',
      startTime: 1700000000000,
      tags: { owner: 'goldrec', 'mlflow.user': 'root' },
    });
    assert.deepEqual(server.requests[0]?.json, {
      experiment_id: '1',
      user_id: 'root',
      run_name: 'run-a',
      start_time: 1700000000000,
      tags: [
        { key: 'owner', value: 'goldrec' },
        { key: 'mlflow.user', value: 'root' },
      ],
    });
    assert.equal(run.info.run_id, RUN_ID);
    assert.deepEqual(run.inputs, {});

    await client.createRun('1');
    const body = server.requests[1]?.json as Record<string, unknown>;
    assert.equal(body.user_id, 'unknown');
    assert.equal(typeof body.start_time, 'number');
    assert.equal('tags' in body, false);
  });

  test('getRun sends run_id and run_uuid, as Python does', async () => {
    const client = setup(() => ({ body: CREATED_RUN }));
    await client.getRun(RUN_ID);
    assert.deepEqual(server.requests[0]?.query, { run_id: [RUN_ID], run_uuid: [RUN_ID] });
  });

  test('setTerminated and updateRun (which reads the current status when none is given)', async () => {
    const client = setup((req) =>
      req.method === 'GET' ? { body: CREATED_RUN } : { body: { run_info: CREATED_RUN.run.info } },
    );
    await client.setTerminated(RUN_ID, 'FINISHED', 1700000060000);
    assert.deepEqual(server.requests[0]?.json, {
      run_id: RUN_ID,
      run_uuid: RUN_ID,
      status: 'FINISHED',
      end_time: 1700000060000,
    });
    await client.updateRun(RUN_ID, { name: 'run-a-renamed' });
    assert.deepEqual(
      server.requests.slice(1).map((r) => `${r.method} ${r.path}`),
      ['GET /api/2.0/mlflow/runs/get', 'POST /api/2.0/mlflow/runs/update'],
    );
    assert.deepEqual(server.requests[2]?.json, {
      run_id: RUN_ID,
      run_uuid: RUN_ID,
      status: 'RUNNING',
      run_name: 'run-a-renamed',
    });
  });

  test('logParam stringifies and returns the value; logMetric encodes NaN', async () => {
    const client = setup(() => ({ body: {} }));
    assert.equal(await client.logParam(RUN_ID, 'as_list', [1, 2, 3]), '[1,2,3]');
    await client.logMetric(RUN_ID, 'weird', Number.NaN, { timestamp: 1700000000000 });
    assert.deepEqual(server.requests[1]?.json, {
      run_id: RUN_ID,
      run_uuid: RUN_ID,
      key: 'weird',
      value: 'NaN',
      timestamp: 1700000000000,
      step: 0,
    });
  });

  test('searchRuns sends the Python client’s body', async () => {
    const client = setup(() => ({ body: { runs: [CREATED_RUN.run], next_page_token: 'tok' } }));
    const page = await client.searchRuns(['1'], {
      orderBy: ['attributes.start_time ASC'],
      runViewType: 'ALL',
    });
    assert.deepEqual(server.requests[0]?.json, {
      experiment_ids: ['1'],
      filter: '',
      run_view_type: 'ALL',
      max_results: 1000,
      order_by: ['attributes.start_time ASC'],
    });
    assert.equal(page.items[0]?.info.run_id, RUN_ID);
    assert.equal(page.nextPageToken, 'tok');
  });
});

describe('logBatch', () => {
  test('splits into requests within MLflow’s limits, keeping order', async () => {
    const client = setup(() => ({ body: {} }));
    const metrics = Array.from({ length: 2500 }, (_, i) => ({ key: 'm', value: i, timestamp: 1, step: i }));
    const params = Array.from({ length: 150 }, (_, i) => ({ key: `p${i}`, value: String(i) }));
    const tags = Array.from({ length: 30 }, (_, i) => ({ key: `t${i}`, value: String(i) }));
    await client.logBatch(RUN_ID, { metrics, params, tags });

    type Body = { metrics?: { step: number }[]; params?: unknown[]; tags?: unknown[] };
    const bodies = requestsTo(server, 'runs/log-batch').map((r) => r.json as Body);
    assert.deepEqual(
      bodies.map((b) => [b.metrics?.length ?? 0, b.params?.length ?? 0, b.tags?.length ?? 0]),
      [
        [870, 100, 30],
        [950, 50, 0],
        [680, 0, 0],
      ],
    );
    for (const b of bodies) {
      assert.ok((b.metrics?.length ?? 0) <= LIMITS.batchMetrics);
      assert.ok(
        (b.metrics?.length ?? 0) + (b.params?.length ?? 0) + (b.tags?.length ?? 0) <= LIMITS.batchTotal,
      );
    }
    const steps = bodies.flatMap((b) => b.metrics ?? []).map((m) => m.step);
    assert.deepEqual(
      steps,
      metrics.map((m) => m.step),
    );
  });

  test('an empty batch sends nothing; metrics get timestamp and step defaults', async () => {
    const client = setup(() => ({ body: {} }));
    await client.logBatch(RUN_ID, {});
    await client.logInputs(RUN_ID, []);
    assert.equal(server.requests.length, 0);
    await client.logBatch(RUN_ID, { metrics: [{ key: 'm', value: Number.POSITIVE_INFINITY }] });
    const m = jsonOf<{ metrics: Record<string, unknown>[] }>(server.requests[0]).metrics[0];
    assert.equal(m?.value, 'Infinity');
    assert.equal(m?.step, 0);
    assert.equal(typeof m?.timestamp, 'number');
  });
});

describe('metric history', () => {
  test('getMetricHistory follows page tokens and decodes values', async () => {
    const client = setup((req) =>
      req.query.page_token
        ? { body: { metrics: [{ key: 'loss', value: 'NaN', timestamp: 1700000002000, step: 1 }] } }
        : {
            body: {
              metrics: [{ key: 'loss', value: 0.9, timestamp: 1700000001000, step: 0 }],
              next_page_token: 'p2',
            },
          },
    );
    const points = await client.getMetricHistory(RUN_ID, 'loss');
    assert.equal(points.length, 2);
    assert.equal(points[0]?.value, 0.9);
    assert.ok(Number.isNaN(points[1]?.value));
    assert.deepEqual(server.requests[0]?.query, {
      run_id: [RUN_ID],
      run_uuid: [RUN_ID],
      metric_key: ['loss'],
      max_results: ['25000'],
    });
    assert.deepEqual(server.requests[1]?.query.page_token, ['p2']);
  });

  test('an unknown metric key gives [] (server answers {})', async () => {
    const client = setup(() => ({ body: {} }));
    assert.deepEqual(await client.getMetricHistory(RUN_ID, 'nope'), []);
  });

  test('getMetricHistoryBulkInterval uses repeated run_ids keys', async () => {
    const client = setup(() => ({
      body: { metrics: [{ key: 'loss', value: 'Infinity', timestamp: 1, step: 0, run_id: 'R1' }] },
    }));
    const points = await client.getMetricHistoryBulkInterval(['R1', 'R2'], 'loss', { maxResults: 320 });
    assert.equal(server.requests[0]?.rawQuery, 'run_ids=R1&run_ids=R2&metric_key=loss&max_results=320');
    assert.equal(points[0]?.value, Number.POSITIVE_INFINITY);
    assert.equal(points[0]?.run_id, 'R1');
  });
});
