import assert from 'node:assert/strict';
import { after, afterEach, beforeEach, describe, test } from 'node:test';
import { setContextProvider } from './context.ts';
import { MetricDeliveryError, MlflowApiError } from './errors.ts';
import * as mlflow from './fluent.ts';
import { type FakeMlflow, fakeMlflow } from './testing/fake-mlflow.ts';
import {
  jsonOf,
  type RecordingServer,
  requestsTo,
  startRecordingServer,
} from './testing/recording-server.ts';

const SYSTEM_TAGS = {
  'mlflow.user': 'root',
  'mlflow.source.name': 'scenarios.py',
  'mlflow.source.type': 'LOCAL',
};
setContextProvider({ env: () => undefined, runTags: () => ({ ...SYSTEM_TAGS }) });

let server: RecordingServer;
let fake: FakeMlflow;
let reported: MetricDeliveryError[];

beforeEach(async () => {
  fake = fakeMlflow();
  server = await startRecordingServer(fake.handler);
  reported = [];
  mlflow.setTrackingUri(server.uri);
  mlflow.configure({
    client: { backoffMs: 1, maxRetries: 1 },
    batching: { flushIntervalMs: 20, backoffMs: 1, maxRetries: 2, onError: (e) => reported.push(e) },
  });
});

afterEach(async () => {
  await mlflow.endAllRuns().catch(() => {});
  await server.close();
});
after(() => setContextProvider({ env: () => undefined, runTags: () => ({}) }));

const calls = () => server.requests.map((r) => `${r.method} ${r.path.replace('/api/2.0/mlflow/', '')}`);
type Body = Record<string, unknown> & { tags?: { key: string; value: string }[] };
const tagsOf = (b: unknown) => Object.fromEntries(((b as Body).tags ?? []).map((t) => [t.key, t.value]));

describe('setExperiment', () => {
  test('creates a missing experiment (get-by-name 404 → create → get), then finds it', async () => {
    const exp = await mlflow.setExperiment('gr-exp-fluent');
    assert.equal(exp.experiment_id, '1');
    assert.equal(exp.name, 'gr-exp-fluent');
    assert.deepEqual(calls(), [
      'GET experiments/get-by-name',
      'POST experiments/create',
      'GET experiments/get',
    ]);

    server.requests.length = 0;
    assert.equal((await mlflow.setExperiment('gr-exp-fluent')).experiment_id, '1');
    assert.deepEqual(calls(), ['GET experiments/get-by-name']);

    const run = await mlflow.startRun();
    assert.equal(run.info.experiment_id, '1');
    await run.end();
  });

  test('refuses a deleted experiment', async () => {
    fake.experiments.set('5', {
      experiment_id: '5',
      name: 'gone',
      lifecycle_stage: 'deleted',
      artifact_location: '',
    });
    await assert.rejects(mlflow.setExperiment('gone'), /Cannot set a deleted experiment 'gone'/);
  });
});

describe('startRun', () => {
  test('sends system tags, user tags, mlflow.runName and user_id like Python', async () => {
    const run = await mlflow.startRun({ runName: 'parent', tags: { kind: 'parent' }, experimentId: '0' });
    const body = requestsTo(server, 'runs/create')[0]?.json as Body;
    assert.equal(body.user_id, 'root');
    assert.equal(body.run_name, 'parent');
    assert.deepEqual(body.tags, [
      { key: 'mlflow.user', value: 'root' },
      { key: 'mlflow.source.name', value: 'scenarios.py' },
      { key: 'mlflow.source.type', value: 'LOCAL' },
      { key: 'kind', value: 'parent' },
      { key: 'mlflow.runName', value: 'parent' },
    ]);
    assert.equal(mlflow.activeRun(), run);
    await mlflow.endRun();
    assert.equal(mlflow.activeRun(), null);
    const end = requestsTo(server, 'runs/update')[0]?.json as Body;
    assert.equal(end.status, 'FINISHED');
    assert.equal(typeof end.end_time, 'number');
    assert.equal((await mlflow.lastActiveRun())?.info.run_id, run.runId);
  });

  test('nested runs carry mlflow.parentRunId; a non-nested start while active throws', async () => {
    const pending = mlflow.startRun({ runName: 'parent' });
    await assert.rejects(mlflow.startRun(), /still in progress/);
    const parent = await pending;
    await assert.rejects(mlflow.startRun(), /Run with UUID .* is already active/);
    const child = await mlflow.startRun({ runName: 'child-0', nested: true });
    assert.equal(tagsOf(requestsTo(server, 'runs/create')[1]?.json)['mlflow.parentRunId'], parent.runId);
    assert.equal(mlflow.activeRun(), child);
    await mlflow.endRun();
    assert.equal(mlflow.activeRun(), parent);
    await mlflow.endRun();
    const ended = requestsTo(server, 'runs/update').map((r) => (r.json as Body).run_id);
    assert.deepEqual(ended, [child.runId, parent.runId]);
  });

  test('resumes an existing run by runId (status back to RUNNING)', async () => {
    const first = await mlflow.startRun();
    await first.end();
    server.requests.length = 0;
    const again = await mlflow.startRun({ runId: first.runId, tags: { resumed: 'yes' } });
    assert.equal(again.runId, first.runId);
    assert.deepEqual(calls(), ['GET runs/get', 'POST runs/update', 'POST runs/log-batch', 'GET runs/get']);
    assert.equal(jsonOf<Body>(server.requests[1]).status, 'RUNNING');
    await again.end();
  });

  test('`await using` ends the run FINISHED when the scope exits', async () => {
    let id: string;
    {
      await using run = await mlflow.startRun({ runName: 'scoped' });
      id = run.runId;
      run.logMetric('loss', 0.5);
      assert.equal(mlflow.activeRun(), run);
    }
    assert.equal(mlflow.activeRun(), null);
    assert.deepEqual(calls().slice(-2), ['POST runs/log-batch', 'POST runs/update']);
    const end = requestsTo(server, 'runs/update')[0]?.json as Body;
    assert.deepEqual([end.run_id, end.status], [id, 'FINISHED']);
  });

  test('withRun ends FINISHED on success and FAILED on error (rethrown)', async () => {
    assert.equal(await mlflow.withRun({ runName: 'ok' }, async () => 42), 42);
    const boom = new Error('boom');
    await assert.rejects(
      mlflow.withRun({ runName: 'boom' }, async (run) => {
        await run.logParam('will', 'fail');
        throw boom;
      }),
      boom,
    );
    const statuses = requestsTo(server, 'runs/update').map((r) => (r.json as Body).status);
    assert.deepEqual(statuses, ['FINISHED', 'FAILED']);
    assert.equal(mlflow.activeRun(), null);
  });
});

describe('logging', () => {
  test('params and tags are awaited and surface user errors (param immutability)', async () => {
    await mlflow.startRun();
    assert.equal(await mlflow.logParam('lr', 0.01), '0.01');
    await assert.rejects(mlflow.logParam('lr', 0.02), (e: unknown) => {
      assert.ok(e instanceof MlflowApiError);
      assert.equal(e.errorCode, 'INVALID_PARAMETER_VALUE');
      return true;
    });
    await mlflow.logParams({ depth: 5, optimizer: 'adam' });
    await mlflow.setTags({ fold_count: 2 });
    const batches = requestsTo(server, 'runs/log-batch').map((r) => r.json as Body);
    assert.deepEqual(batches[0]?.params, [
      { key: 'depth', value: '5' },
      { key: 'optimizer', value: 'adam' },
    ]);
    assert.deepEqual(batches[1]?.tags, [{ key: 'fold_count', value: '2' }]);
  });

  test('logParam without an active run starts one, as Python does', async () => {
    await mlflow.logParam('a', 1);
    assert.deepEqual(calls(), ['POST runs/create', 'POST runs/log-parameter']);
    assert.notEqual(mlflow.activeRun(), null);
  });

  test('logMetric validates synchronously and needs an active run', async () => {
    assert.throws(() => mlflow.logMetric('x', 1), /No active run/);
    await mlflow.startRun();
    assert.throws(() => mlflow.logMetric('bad//key', 1), TypeError);
    assert.throws(() => mlflow.logMetric('k', 'x' as unknown as number), TypeError);
    assert.throws(() => mlflow.logMetric('k', 1, { step: 1.5 }), TypeError);
  });
});

describe('background metric batching', () => {
  test('many logMetric calls become few log-batch requests, in order, flushed before the run ends', async () => {
    await mlflow.startRun();
    for (let i = 0; i < 2500; i++)
      mlflow.logMetric('loss', 1 / (i + 1), { step: i, timestamp: 1700000000000 + i });
    mlflow.logMetric('weird', Number.NaN);
    await mlflow.endRun();
    const batches = requestsTo(server, 'runs/log-batch').map(
      (r) => (r.json as { metrics: { key: string; step: number; value: unknown }[] }).metrics,
    );
    assert.ok(batches.length <= 4, `expected few requests, got ${batches.length}`);
    assert.ok(batches.every((b) => b.length <= 1000));
    const loss = batches.flat().filter((m) => m.key === 'loss');
    assert.deepEqual(
      loss.map((m) => m.step),
      Array.from({ length: 2500 }, (_, i) => i),
    );
    assert.equal(batches.flat().find((m) => m.key === 'weird')?.value, 'NaN');
    assert.equal(calls().at(-1), 'POST runs/update', 'run ended after its metrics were delivered');
  });

  test('a few points are sent after the flush interval without ending the run', async () => {
    const run = await mlflow.startRun();
    mlflow.logMetrics({ a: 1, b: 2 }, { step: 3 });
    assert.equal(requestsTo(server, 'runs/log-batch').length, 0, 'logMetric returns before sending');
    await new Promise((r) => setTimeout(r, 150));
    const batches = requestsTo(server, 'runs/log-batch');
    assert.equal(batches.length, 1);
    assert.deepEqual(
      jsonOf<{ metrics: { key: string }[] }>(batches[0]).metrics.map((m) => m.key),
      ['a', 'b'],
    );
    assert.equal(fake.runs.get(run.runId)?.data.metrics.length, 2);
  });

  test('a failed flush is retried and the points arrive', async () => {
    const run = await mlflow.startRun();
    let failures = 1;
    fake.override = (req) =>
      req.path.endsWith('log-batch') && failures-- > 0
        ? { status: 500, body: { error_code: 'INTERNAL_ERROR', message: 'db locked' } }
        : undefined;
    mlflow.logMetric('m', 1);
    await mlflow.flushAsyncLogging();
    assert.equal(requestsTo(server, 'runs/log-batch').length, 2);
    assert.equal(fake.runs.get(run.runId)?.data.metrics.length, 1);
    assert.deepEqual(reported, []);
  });

  test('points that cannot be delivered are reported, flush rejects, and the run still ends', async () => {
    const run = await mlflow.startRun();
    fake.override = (req) =>
      req.path.endsWith('log-batch') ? { status: 503, body: 'temporarily unavailable' } : undefined;
    mlflow.logMetric('m', 1);
    mlflow.logMetric('m', 2);
    await assert.rejects(mlflow.endRun(), (e: unknown) => {
      assert.ok(e instanceof MetricDeliveryError);
      assert.equal(e.lostPoints, 2);
      assert.deepEqual(e.runIds, [run.runId]);
      return true;
    });
    assert.equal(reported.length, 1, 'reported through onError when dropped');
    assert.equal(reported[0]?.lostPoints, 2);
    // 3 logger attempts (1 + 2 retries), each with 2 REST attempts (1 + 1 retry on 503).
    assert.equal(requestsTo(server, 'runs/log-batch').length, 6);
    assert.equal(jsonOf<Body>(requestsTo(server, 'runs/update')[0]).status, 'FINISHED');
    assert.equal(mlflow.activeRun(), null);
  });

  test('a rejected batch (400) is reported without pointless retries', async () => {
    await mlflow.startRun();
    fake.override = (req) =>
      req.path.endsWith('log-batch')
        ? { status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: 'bad' } }
        : undefined;
    mlflow.logMetric('m', 1);
    await assert.rejects(mlflow.flushAsyncLogging(), MetricDeliveryError);
    assert.equal(requestsTo(server, 'runs/log-batch').length, 1);
    assert.equal(reported.length, 1);
  });
});
