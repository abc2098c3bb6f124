import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MlflowApiError, MlflowNetworkError } from './errors.ts';
import { RestClient, type RestClientOptions } from './rest-client.ts';
import { type Handler, type RecordingServer, startRecordingServer } from './testing/recording-server.ts';

let server: RecordingServer;
before(async () => {
  server = await startRecordingServer(() => ({}));
});
after(() => server.close());

/** Fresh request log and handler per test; tiny backoffs keep retry tests fast. */
function setup(handler: Handler, opts: Partial<RestClientOptions> = {}): RestClient {
  server.requests.length = 0;
  server.handler = handler;
  return new RestClient({ trackingUri: server.uri, backoffMs: 1, maxBackoffMs: 5, ...opts });
}

// Bodies below are from shared/reference/wire/tracking-runs.jsonl (MLflow 2.9.2 recordings).
const RUN_ID = 'a0ec34c3254246e5aca4b301915d6c91';

describe('request encoding', () => {
  test('GET sends fields as query params: arrays as repeated keys, numbers as decimals, no undefined', async () => {
    const rest = setup(() => ({ body: { metrics: [] } }));
    await rest.call('getMetricHistoryBulkInterval', {
      run_ids: ['r1', 'r2'],
      metric_key: 'loss',
      start_step: 0,
      end_step: 1099511627776,
      max_results: undefined,
    });
    const [req] = server.requests;
    assert.equal(req?.method, 'GET');
    assert.equal(req?.path, '/api/2.0/mlflow/metrics/get-history-bulk-interval');
    assert.equal(req?.rawQuery, 'run_ids=r1&run_ids=r2&metric_key=loss&start_step=0&end_step=1099511627776');
    assert.equal(req?.body, '');
    assert.equal(req?.headers['content-type'], undefined);
  });

  test('ajax: every RPC goes under /ajax-api/2.0, the web UI’s prefix', async () => {
    const rest = setup(() => ({ body: { runs: [] } }), { ajax: true });
    await rest.call('searchRuns', { experiment_ids: ['1'] });
    await rest.call('getMetricHistoryBulkInterval', { run_ids: ['r1'], metric_key: 'loss' });
    assert.deepEqual(
      server.requests.map((r) => r.path),
      ['/ajax-api/2.0/mlflow/runs/search', '/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval'],
    );
  });

  test('GET query values are URL-encoded and decode back exactly', async () => {
    const rest = setup(() => ({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'x' },
    }));
    await assert.rejects(rest.call('getExperimentByName', { experiment_name: "my exp/ü&x=1 'q'" }));
    assert.deepEqual(server.requests[0]?.query, { experiment_name: ["my exp/ü&x=1 'q'"] });
  });

  test('POST sends a JSON body with Content-Type application/json, using the route’s first method', async () => {
    const rest = setup(() => ({ body: { experiments: [] } }));
    await rest.call('searchExperiments', {
      max_results: 1000,
      view_type: 'ACTIVE_ONLY',
      order_by: ['name ASC'],
    });
    const [req] = server.requests;
    assert.equal(req?.method, 'POST'); // searchExperiments is [POST, GET]: Python uses POST
    assert.equal(req?.headers['content-type'], 'application/json');
    assert.deepEqual(req?.json, { max_results: 1000, view_type: 'ACTIVE_ONLY', order_by: ['name ASC'] });
  });

  test('DELETE carries a JSON body too (spec §0.2)', async () => {
    const rest = setup(() => ({ body: {} }));
    await rest.request({
      method: 'DELETE',
      path: '/api/2.0/mlflow/registered-models/delete',
      fields: { name: 'iris' },
    });
    const [req] = server.requests;
    assert.equal(req?.method, 'DELETE');
    assert.equal(req?.headers['content-type'], 'application/json');
    assert.deepEqual(req?.json, { name: 'iris' });
  });

  test('non-finite numbers go out as "NaN"/"Infinity"/"-Infinity"', async () => {
    const rest = setup(() => ({ body: {} }));
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.5]) {
      await rest.call('logMetric', {
        run_id: RUN_ID,
        run_uuid: RUN_ID,
        key: 'weird',
        value,
        timestamp: 1,
        step: 0,
      });
    }
    assert.deepEqual(
      server.requests.map((r) => (r.json as { value: unknown }).value),
      ['NaN', 'Infinity', '-Infinity', 0.5],
    );
  });

  test('a tracking URI with a path prefix and trailing slash keeps the prefix', async () => {
    const rest = setup(() => ({ body: { experiment: {} } }), { trackingUri: `${server.uri}/mlflow/` });
    await rest.call('getExperiment', { experiment_id: '1' });
    assert.equal(server.requests[0]?.path, '/mlflow/api/2.0/mlflow/experiments/get');
  });

  test('non-http tracking URIs are refused with a clear message', () => {
    assert.throws(() => new RestClient({ trackingUri: 'sqlite:///mlflow.db' }), /http\(s\) only/);
  });
});

describe('auth headers', () => {
  test('Basic from username/password (UTF-8)', async () => {
    const rest = setup(() => ({ body: {} }), { username: 'alice', password: 'pä:ss' });
    await rest.call('deleteRun', { run_id: RUN_ID });
    const auth = server.requests[0]?.headers.authorization ?? '';
    assert.equal(Buffer.from(auth.replace('Basic ', ''), 'base64').toString('utf8'), 'alice:pä:ss');
  });

  test('Bearer from token', async () => {
    const rest = setup(() => ({ body: {} }), { token: 't0k' });
    await rest.call('deleteRun', { run_id: RUN_ID });
    assert.equal(server.requests[0]?.headers.authorization, 'Bearer t0k');
  });

  test('credentials in the URI become Basic auth (fetch refuses them in URLs)', async () => {
    const rest = setup(() => ({ body: {} }), { trackingUri: server.uri.replace('//', '//bob:s%40cret@') });
    await rest.call('deleteRun', { run_id: RUN_ID });
    const auth = server.requests[0]?.headers.authorization ?? '';
    assert.equal(Buffer.from(auth.replace('Basic ', ''), 'base64').toString('utf8'), 'bob:s@cret');
  });
});

describe('responses and errors', () => {
  test('an empty 200 body is {}', async () => {
    const rest = setup(() => ({ body: '' }));
    assert.deepEqual(await rest.call('deleteRun', { run_id: RUN_ID }), {});
  });

  test('JSON error bodies become MlflowApiError with code, status and message', async () => {
    const message =
      "Changing param values is not allowed. Param with key='lr' was already logged with value='0.01' for run ID='a0ec34c3254246e5aca4b301915d6c91'. Attempted logging new value '0.02'.";
    const rest = setup(() => ({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message } }));
    const err = await rest
      .call('logParam', { run_id: RUN_ID, run_uuid: RUN_ID, key: 'lr', value: '0.02' })
      .catch((e: unknown) => e);
    assert.ok(err instanceof MlflowApiError);
    assert.ok(err instanceof Error);
    assert.equal(err.errorCode, 'INVALID_PARAMETER_VALUE');
    assert.equal(err.httpStatus, 400);
    assert.equal(err.message, message);
    assert.equal(err.rpc, 'logParam');
  });

  test('non-JSON error bodies get the code from the HTTP status', async () => {
    const cases: [number, string][] = [
      [404, 'ENDPOINT_NOT_FOUND'],
      [400, 'BAD_REQUEST'],
      [500, 'INTERNAL_ERROR'],
      [403, 'PERMISSION_DENIED'],
    ];
    for (const [status, code] of cases) {
      const rest = setup(() => ({ status, body: '<!doctype html><title>Not Found</title>' }));
      await assert.rejects(rest.call('getRun', { run_id: RUN_ID }), (e: unknown) => {
        assert.ok(e instanceof MlflowApiError);
        assert.equal(e.errorCode, code);
        assert.equal(e.httpStatus, status);
        assert.match(e.message, /Not Found/);
        return true;
      });
    }
  });
});

describe('retries', () => {
  test('503 and 429 are retried, then the answer is returned', async () => {
    let n = 0;
    const rest = setup(() => {
      n++;
      if (n === 1) return { status: 503, body: 'artifacts-only mode' };
      if (n === 2)
        return { status: 429, body: { error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'slow down' } };
      return { body: { experiment_id: '7' } };
    });
    assert.deepEqual(await rest.call('createExperiment', { name: 'x' }), { experiment_id: '7' });
    assert.equal(server.requests.length, 3);
  });

  test('Retry-After is honoured (up to maxBackoffMs)', async () => {
    let n = 0;
    const rest = setup(
      () => (n++ === 0 ? { status: 429, body: '', headers: { 'Retry-After': '0.2' } } : { body: {} }),
      { maxBackoffMs: 1000 },
    );
    const t0 = Date.now();
    await rest.call('deleteRun', { run_id: RUN_ID });
    assert.ok(Date.now() - t0 >= 190, 'waited for Retry-After');
  });

  test('gives up after maxRetries with the last error', async () => {
    const rest = setup(() => ({ status: 503, body: 'down' }), { maxRetries: 2 });
    await assert.rejects(rest.call('getRun', { run_id: RUN_ID }), { errorCode: 'TEMPORARILY_UNAVAILABLE' });
    assert.equal(server.requests.length, 3);
  });

  test('400 and 500 are not retried', async () => {
    for (const [status, code] of [
      [400, 'INVALID_PARAMETER_VALUE'],
      [500, 'INTERNAL_ERROR'],
    ] as const) {
      const rest = setup(() => ({ status, body: { error_code: code, message: 'no' } }));
      await assert.rejects(rest.call('getRun', { run_id: RUN_ID }), { errorCode: code, httpStatus: status });
      assert.equal(server.requests.length, 1, `${status} must not be retried`);
    }
  });

  test('a dropped connection is retried for GET but not for a non-idempotent POST', async () => {
    let n = 0;
    const get = setup(() => (n++ === 0 ? { destroy: true } : { body: { run: { info: {}, data: {} } } }));
    await get.call('getRun', { run_id: RUN_ID });
    assert.equal(server.requests.length, 2);

    const post = setup(() => ({ destroy: true }));
    await assert.rejects(post.call('createExperiment', { name: 'x' }), MlflowNetworkError);
    assert.equal(server.requests.length, 1);
  });

  test('a timed-out GET is retried', async () => {
    let n = 0;
    const rest = setup(
      () => (n++ === 0 ? { delayMs: 400, body: {} } : { body: { experiment: { name: 'e' } } }),
      {
        timeoutMs: 100,
      },
    );
    assert.deepEqual(await rest.call('getExperiment', { experiment_id: '1' }), { experiment: { name: 'e' } });
    assert.equal(server.requests.length, 2);
  });

  test('connection refused is retried for any method and ends in MlflowNetworkError', async () => {
    const closed = await startRecordingServer(() => ({}));
    await closed.close();
    const rest = new RestClient({ trackingUri: closed.uri, maxRetries: 2, backoffMs: 1 });
    const err = await rest.call('createExperiment', { name: 'x' }).catch((e: unknown) => e);
    assert.ok(err instanceof MlflowNetworkError);
    assert.equal(err.attempts, 3);
    assert.match(err.message, /ECONNREFUSED/);
  });
});

describe('response decoding', () => {
  test('metric values "NaN"/"Infinity"/"-Infinity" decode to numbers; params stay strings', async () => {
    const rest = setup((req) =>
      req.path.endsWith('get-history')
        ? {
            body: {
              metrics: [
                { key: 'weird', value: 'NaN', timestamp: 1700000000000, step: 0 },
                { key: 'weird', value: 1.7976931348623157e308, timestamp: 1700000000001, step: 1 },
                { key: 'weird', value: 'Infinity', timestamp: 1700000000002, step: 2 },
                { key: 'weird', value: '-Infinity', timestamp: 1700000000003, step: 3 },
              ],
            },
          }
        : {
            body: {
              run: {
                info: { run_uuid: RUN_ID, run_id: RUN_ID, experiment_id: '1', status: 'RUNNING' },
                data: {
                  metrics: [{ key: 'nan_last', value: 'NaN', timestamp: 1700000000001, step: 1 }],
                  params: [{ key: 'p', value: 'NaN' }],
                },
              },
            },
          },
    );
    const history = await rest.call('getMetricHistory', { run_id: RUN_ID, metric_key: 'weird' });
    assert.deepEqual(
      history.metrics?.map((m) => m.value),
      [Number.NaN, 1.7976931348623157e308, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
    );
    const { run } = await rest.call('getRun', { run_id: RUN_ID });
    assert.ok(Number.isNaN(run.data.metrics?.[0]?.value));
    assert.equal(run.data.params?.[0]?.value, 'NaN');
    assert.deepEqual(run.inputs, {}, 'absent inputs default to {}');
  });
});
