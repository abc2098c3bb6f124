// The wire rules of spec §0 (and §13 traps), request by request through app.inject, on SQLite and on
// PostgreSQL: routes and prefixes, GET decoding, field names and scalar coercions, response encoding,
// content types, malformed and oversized bodies, unknown routes and methods, filter injection, wrong
// types and log-batch atomicity. The replay of MLflow's own recordings (wire-replay.test.ts) covers whole
// client sessions; this file covers what those recordings touch only once or not at all.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AJAX_PREFIX,
  API_PREFIX,
  type HttpMethod,
  LEGACY_PREFIX,
  REGISTRY_ROUTES,
  TRACKING_ROUTES,
} from '@mlflow-ts/protocol';
import { availableDialects } from './support/dialects.ts';
import { createReplayApp, type ReplayApp } from './support/replay-app.ts';
import {
  type Client,
  client,
  countRows,
  isErrorReply,
  type Json,
  rejectedOr,
} from './support/replay-http.ts';
import {
  FAILING_BATCHES,
  INJECTION_FILTERS,
  INJECTION_ORDER_BY,
  wrongTypeCases,
} from './support/replay-http-cases.ts';

const METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
/** SQL MLflow clamps ±Infinity to ±DBL_MAX when storing a metric (spec §13.2). */
const DOUBLE_MAX = 1.7976931348623157e308;
const MISSING_NAME =
  "Missing value for required parameter 'name'. See the API docs for more information about request parameters.";

function servedUnder(route: (typeof TRACKING_ROUTES)[number]): string[] {
  const r = route as { ajaxOnly?: boolean; legacy?: boolean };
  if (r.ajaxOnly) return [AJAX_PREFIX];
  return r.legacy ? [API_PREFIX, AJAX_PREFIX, LEGACY_PREFIX] : [API_PREFIX, AJAX_PREFIX];
}

/** Every member name in a JSON value (to check that responses use snake_case only). */
function keysOf(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) keysOf(v, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      keysOf(v, out);
    }
  }
  return out;
}

for (const dialect of availableDialects()) {
  describe(`HTTP protocol (spec §0) [${dialect}]`, () => {
    let server: ReplayApp;
    let api: Client;
    let experimentId: string;
    let runId: string;
    const newRun = async (name: string): Promise<string> =>
      (
        await api.ok('/runs/create', {
          experiment_id: experimentId,
          run_name: name,
          start_time: 1700000000000,
        })
      ).run.info.run_id;

    before(async () => {
      server = await createReplayApp(dialect);
      api = client(server.app);
      experimentId = (await api.ok('/experiments/create', { name: 'protocol' })).experiment_id;
      runId = await newRun('protocol-run');
    });
    after(async () => {
      await server?.close();
    });

    describe('routes: every TRACKING_ROUTES entry under its prefixes, other methods 405', () => {
      for (const route of TRACKING_ROUTES) {
        it(`${route.rpc}: ${route.methods.join('|')} ${route.path}`, async () => {
          for (const prefix of [API_PREFIX, AJAX_PREFIX, LEGACY_PREFIX]) {
            const url = prefix + route.path;
            const served = servedUnder(route).includes(prefix);
            for (const method of METHODS) {
              const r = await api.call(method, url, method === 'GET' ? {} : { body: {} });
              const where = `${method} ${url} -> ${r.status} ${r.text.slice(0, 200)}`;
              if (!served) {
                assert.ok(r.status === 404 && isErrorReply(r, 'ENDPOINT_NOT_FOUND'), where);
              } else if (!(route.methods as readonly string[]).includes(method)) {
                assert.ok(r.status === 405 && isErrorReply(r), where);
              } else {
                // Routed: a JSON object; 200 or an MLflow error about the empty request, never "no endpoint".
                assert.ok(typeof r.json === 'object' && r.json !== null && !Array.isArray(r.json), where);
                assert.match(r.contentType, /^application\/json/, where);
                if (r.status !== 200) {
                  assert.ok([400, 404].includes(r.status) && isErrorReply(r), where);
                  assert.notEqual(r.json.error_code, 'ENDPOINT_NOT_FOUND', where);
                }
              }
            }
          }
        });
      }
    });

    describe('GET query strings (spec §0.2)', () => {
      it('collects every occurrence of a repeated key', async () => {
        const [a, b] = [await newRun('rep-a'), await newRun('rep-b')];
        for (const [run, value] of [
          [a, 1],
          [b, 2],
        ] as const) {
          await api.ok('/runs/log-metric', { run_id: run, key: 'loss', value, timestamp: 1, step: 0 });
        }
        const bulk = await api.call(
          'GET',
          `${AJAX_PREFIX}/mlflow/metrics/get-history-bulk?run_id=${a}&run_id=${b}&metric_key=loss`,
        );
        assert.equal(bulk.status, 200, bulk.text);
        assert.deepEqual(new Set(bulk.json.metrics.map((m: Json) => m.run_id)), new Set([a, b]));
        const interval = await api.okGet(
          `/metrics/get-history-bulk-interval?run_ids=${a}&run_ids=${b}&metric_key=loss`,
        );
        assert.deepEqual(new Set(interval.metrics.map((m: Json) => m.run_id)), new Set([a, b]));
        await api.ok('/experiments/create', { name: 'rep-exp' });
        const byName = await api.okGet(
          '/experiments/search?max_results=100&order_by=name+DESC&order_by=experiment_id',
        );
        const names = byName.experiments.map((e: Json) => e.name);
        assert.deepEqual(names, [...names].sort().reverse());
      });

      it('takes the first occurrence of a singular key', async () => {
        const r = await api.okGet('/experiments/get?experiment_id=0&experiment_id=999999');
        assert.equal(r.experiment.experiment_id, '0');
      });

      it('decodes percent-encoding and + in values', async () => {
        const { experiment_id } = await api.ok('/experiments/create', { name: 'with space+plus/é' });
        const r = await api.okGet('/experiments/get-by-name?experiment_name=with+space%2Bplus%2F%C3%A9');
        assert.equal(r.experiment.experiment_id, experiment_id);
      });
    });

    describe('field names and scalars (spec §0.2, §0.3, §13)', () => {
      it('accepts lowerCamelCase names and answers snake_case', async () => {
        const created = await api.ok('/runs/create', {
          experimentId,
          runName: 'camel',
          startTime: 1700000000123,
          userId: 'u1',
        });
        assert.equal(created.run.info.run_name, 'camel');
        assert.equal(created.run.info.start_time, 1700000000123);
        assert.equal(created.run.info.user_id, 'u1');
        const id = created.run.info.run_id;
        await api.ok('/runs/log-metric', { runId: id, key: 'c', value: 3, timestamp: 5, step: 1 });
        const history = await api.okGet(`/metrics/get-history?runId=${id}&metricKey=c`);
        assert.deepEqual(history.metrics, [{ key: 'c', value: 3, timestamp: 5, step: 1 }]);
        const got = await api.okGet(`/runs/get?run_id=${id}`);
        for (const key of keysOf(got)) assert.match(key, /^[a-z][a-z0-9_]*$/, `member ${key}`);
      });

      it('accepts numeric experiment ids (legacy clients) and answers strings', async () => {
        const run = await api.ok('/runs/create', {
          experiment_id: Number(experimentId),
          run_name: 'numeric',
        });
        assert.equal(run.run.info.experiment_id, experimentId);
        const found = await api.ok('/runs/search', {
          experiment_ids: [Number(experimentId)],
          filter: "attributes.run_name = 'numeric'",
        });
        assert.deepEqual(
          found.runs.map((r: Json) => r.info.run_id),
          [run.run.info.run_id],
        );
        const { experiment_id } = await api.ok('/experiments/create', { name: 'numeric-delete' });
        await api.ok('/experiments/delete', { experiment_id: Number(experiment_id) });
        const deleted = await api.okGet(`/experiments/get?experiment_id=${experiment_id}`);
        assert.equal(deleted.experiment.lifecycle_stage, 'deleted');
      });

      it('ignores unknown fields', async () => {
        const r = await api.post('/runs/create', {
          experiment_id: experimentId,
          run_name: 'extra',
          bogus: { a: 1 },
        });
        assert.equal(r.status, 200, r.text);
      });

      it('takes "NaN", "Infinity", "-Infinity" in and gives "NaN" and clamped infinities out', async () => {
        const run = await newRun('nan');
        const values = ['NaN', 'Infinity', '-Infinity'];
        for (const [step, value] of values.entries()) {
          await api.ok('/runs/log-metric', { run_id: run, key: 'w', value, timestamp: 1, step });
        }
        await api.ok('/runs/log-batch', {
          run_id: run,
          metrics: [{ key: 'b', value: 'NaN', timestamp: 1, step: 0 }],
        });
        const history = await api.get(`/metrics/get-history?run_id=${run}&metric_key=w`);
        assert.doesNotMatch(history.text, /null/);
        const bySteps = [...history.json.metrics].sort((x: Json, y: Json) => x.step - y.step);
        assert.deepEqual(
          bySteps.map((m: Json) => m.value),
          ['NaN', DOUBLE_MAX, -DOUBLE_MAX],
        );
        const got = await api.okGet(`/runs/get?run_id=${run}`);
        const latest = Object.fromEntries(got.run.data.metrics.map((m: Json) => [m.key, m.value]));
        assert.deepEqual(latest, { w: -DOUBLE_MAX, b: 'NaN' });
        const interval = await api.okGet(`/metrics/get-history-bulk-interval?run_ids=${run}&metric_key=b`);
        assert.equal(interval.metrics[0].value, 'NaN');
      });

      it('emits int64 as JSON numbers and accepts numeric strings for them', async () => {
        const run = await newRun('int64');
        await api.ok('/runs/log-metric', {
          run_id: run,
          key: 's',
          value: 1,
          timestamp: '1700000000001',
          step: '1099511627776',
        });
        const history = await api.get(`/metrics/get-history?run_id=${run}&metric_key=s`);
        assert.match(history.text, /"step"\s*:\s*1099511627776\b/);
        assert.match(history.text, /"timestamp"\s*:\s*1700000000001\b/);
        const got = await api.get(`/runs/get?run_id=${run}`);
        assert.match(got.text, /"start_time":\s*1700000000000\b/);
        const search = await api.get('/experiments/search?max_results=1');
        assert.match(search.text, /"creation_time":\s*\d+\b/);
      });
    });

    describe('response encoding (spec §0.3)', () => {
      it('answers {} for empty successes', async () => {
        const run = await newRun('empty');
        const calls: [string, Json][] = [
          ['/runs/log-parameter', { run_id: run, key: 'p', value: 'v' }],
          ['/runs/set-tag', { run_id: run, key: 't', value: 'v' }],
          ['/runs/delete-tag', { run_id: run, key: 't' }],
          ['/runs/log-metric', { run_id: run, key: 'm', value: 1, timestamp: 1 }],
          ['/runs/log-batch', { run_id: run }],
          ['/experiments/set-experiment-tag', { experiment_id: experimentId, key: 'k', value: 'v' }],
          ['/runs/search', { experiment_ids: [experimentId], filter: "params.p = 'nothing'" }],
          ['/runs/delete', { run_id: run }],
          ['/runs/restore', { run_id: run }],
        ];
        for (const [path, body] of calls) {
          const r = await api.post(path, body);
          assert.equal(r.status, 200, `${path}: ${r.text}`);
          assert.equal(r.text, '{}', path);
          assert.match(r.contentType, /^application\/json/, path);
        }
        const history = await api.get(`/metrics/get-history?run_id=${run}&metric_key=nope`);
        assert.equal(history.text, '{}');
      });
    });

    describe('content types (spec §0.2, §13.9)', () => {
      it('rejects a POST without Content-Type', async () => {
        const r = await api.post('/experiments/create', { name: 'ct-none' }, { contentType: null });
        assert.equal(r.status, 400);
        assert.deepEqual(r.json, {
          error_code: 'INVALID_PARAMETER_VALUE',
          message: 'Bad Request. Content-Type header is missing.',
        });
        assert.equal((await api.get('/experiments/get-by-name?experiment_name=ct-none')).status, 404);
      });

      it('rejects a POST with text/plain', async () => {
        const r = await api.post('/experiments/create', { name: 'ct-text' }, { contentType: 'text/plain' });
        assert.equal(r.status, 400);
        assert.deepEqual(r.json, {
          error_code: 'INVALID_PARAMETER_VALUE',
          message: "Bad Request. Content-Type must be one of ['application/json'].",
        });
      });

      it('accepts application/json with parameters', async () => {
        for (const [i, contentType] of [
          'application/json; charset=utf-8',
          'application/json;charset=UTF-8',
        ].entries()) {
          const r = await api.post('/experiments/create', { name: `ct-charset-${i}` }, { contentType });
          assert.equal(r.status, 200, r.text);
        }
      });

      it('does not check GET requests', async () => {
        const r = await api.call('GET', `${API_PREFIX}/mlflow/experiments/get?experiment_id=0`, {
          contentType: 'text/plain',
        });
        assert.equal(r.status, 200, r.text);
      });

      it('does not check PATCH and DELETE bodies', async () => {
        const routes = [...TRACKING_ROUTES, ...REGISTRY_ROUTES].filter((r) =>
          (r.methods as readonly string[]).some((m) => m === 'PATCH' || m === 'DELETE'),
        );
        assert.ok(routes.length >= 7, 'the registry has PATCH and DELETE routes');
        for (const route of routes) {
          for (const method of route.methods.filter((m) => m === 'PATCH' || m === 'DELETE')) {
            const r = await api.call(method, API_PREFIX + route.path, {
              body: {},
              contentType: 'text/plain',
            });
            assert.doesNotMatch(String(r.json?.message), /Content-Type/, `${method} ${route.path}`);
          }
        }
      });
    });

    describe('request bodies (spec §0.2)', () => {
      it('treats malformed or empty JSON as {}', async () => {
        for (const body of ['{"name": ', '', 'not json at all']) {
          const r = await api.post('/experiments/create', body);
          assert.equal(r.status, 400, JSON.stringify(body));
          assert.deepEqual(r.json, { error_code: 'INVALID_PARAMETER_VALUE', message: MISSING_NAME });
        }
      });

      it('decodes a double-encoded JSON string body once more', async () => {
        const r = await api.post(
          '/experiments/create',
          JSON.stringify(JSON.stringify({ name: 'double-encoded' })),
        );
        assert.equal(r.status, 200, r.text);
        const got = await api.okGet('/experiments/get-by-name?experiment_name=double-encoded');
        assert.equal(got.experiment.experiment_id, r.json.experiment_id);
      });

      it('rejects a body over the body limit with a 4xx JSON error and keeps serving', async () => {
        const small = await createReplayApp(dialect, { bodyLimit: 64 * 1024 });
        try {
          const c = client(small.app);
          const r = await c.post('/experiments/create', { name: `huge-${'x'.repeat(100_000)}` });
          assert.ok(r.status >= 400 && r.status < 500, `${r.status} ${r.text.slice(0, 200)}`);
          assert.ok(isErrorReply(r), r.text.slice(0, 200));
          const after = await c.post('/experiments/create', { name: 'after-huge' });
          assert.equal(after.status, 200, after.text);
          const search = await c.okGet('/experiments/search?max_results=100');
          assert.ok(!search.experiments.some((e: Json) => e.name.startsWith('huge-')));
        } finally {
          await small.close();
        }
      });
    });

    describe('unknown routes, wrong methods, OPTIONS (spec §0.4)', () => {
      it('answers 404 ENDPOINT_NOT_FOUND as JSON for unknown routes', async () => {
        const urls = [
          '/api/2.0/mlflow/no-such-endpoint',
          '/api/2.0/mlflow/runs/create/extra',
          '/ajax-api/2.0/mlflow/nope',
          '/api/2.0/nope',
          '/api/3.0/mlflow/runs/create',
          '/nope',
        ];
        for (const url of urls) {
          for (const method of ['GET', 'POST']) {
            const r = await api.call(method, url, method === 'POST' ? { body: {} } : {});
            assert.equal(r.status, 404, `${method} ${url}`);
            assert.ok(isErrorReply(r, 'ENDPOINT_NOT_FOUND'), `${method} ${url}: ${r.text}`);
          }
        }
      });

      it('answers 405 as JSON for a wrong method', async () => {
        const cases = [
          ['GET', '/runs/create'],
          ['POST', '/experiments/get'],
          ['POST', '/experiments/get-by-name'],
          ['PUT', '/runs/log-batch'],
          ['DELETE', '/experiments/create'],
          ['PATCH', '/runs/update'],
        ];
        for (const [method, path] of cases) {
          const r = await api.call(
            method!,
            `${API_PREFIX}/mlflow${path}`,
            method === 'GET' ? {} : { body: {} },
          );
          assert.equal(r.status, 405, `${method} ${path}: ${r.text}`);
          assert.ok(isErrorReply(r), `${method} ${path}: ${r.text}`);
        }
      });

      it('answers 200 to OPTIONS on API routes', async () => {
        for (const url of [
          `${API_PREFIX}/mlflow/experiments/search`,
          `${AJAX_PREFIX}/mlflow/runs/search`,
          `${API_PREFIX}/mlflow/metrics/get-history`,
        ]) {
          const r = await api.call('OPTIONS', url);
          assert.equal(r.status, 200, `${url}: ${r.text}`);
        }
      });
    });

    describe('search filters are data, never SQL', () => {
      let exp: string;
      let victim: string;
      let rowsBefore: Record<string, number>;
      before(async () => {
        exp = (await api.ok('/experiments/create', { name: 'injection' })).experiment_id;
        victim = (await api.ok('/runs/create', { experiment_id: exp, run_name: 'victim', start_time: 1 })).run
          .info.run_id;
        await api.ok('/runs/log-batch', {
          run_id: victim,
          metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }],
          params: [{ key: 'a', value: 'x' }],
          tags: [{ key: 't', value: 'v' }],
        });
        rowsBefore = await countRows(server.db);
      });

      for (const filter of INJECTION_FILTERS) {
        it(`runs/search ${JSON.stringify(filter)}: 400, or no run`, async () => {
          const r = await api.post('/runs/search', { experiment_ids: [exp], filter });
          rejectedOr(r, (body) => assert.deepEqual(body.runs ?? [], [], r.text.slice(0, 300)));
        });
      }

      for (const orderBy of INJECTION_ORDER_BY) {
        it(`runs/search order_by ${JSON.stringify(orderBy)}: 400, or the run`, async () => {
          const r = await api.post('/runs/search', { experiment_ids: [exp], order_by: [orderBy] });
          rejectedOr(r, (body) =>
            assert.deepEqual(
              body.runs.map((x: Json) => x.info.run_id),
              [victim],
            ),
          );
        });
      }

      it('experiments/search filter injection: 400, or no experiment', async () => {
        for (const filter of [
          "name = 'x'' OR ''1''=''1'",
          "name = 'injection'; DROP TABLE experiments; --'",
        ]) {
          const r = await api.post('/experiments/search', { max_results: 100, filter });
          rejectedOr(r, (body) => assert.deepEqual(body.experiments ?? [], [], filter));
        }
      });

      it('left every table and row as it was', async () => {
        assert.deepEqual(await countRows(server.db), rowsBefore);
        const got = await api.okGet(`/runs/get?run_id=${victim}`);
        assert.deepEqual(got.run.data.params, [{ key: 'a', value: 'x' }]);
        const found = await api.ok('/runs/search', { experiment_ids: [exp], filter: "params.a = 'x'" });
        assert.deepEqual(
          found.runs.map((x: Json) => x.info.run_id),
          [victim],
        );
      });
    });

    describe('wrong JSON types: 400 INVALID_PARAMETER_VALUE, nothing written', () => {
      const CASES = wrongTypeCases(() => ({ experimentId, runId }));
      for (const [name, path, body, message] of CASES) {
        it(name, async () => {
          const rowsBefore = await countRows(server.db);
          const r = await api.post(path, body());
          assert.equal(r.status, 400, r.text);
          assert.equal(r.json.error_code, 'INVALID_PARAMETER_VALUE');
          assert.match(r.json.message, message);
          assert.deepEqual(await countRows(server.db), rowsBefore);
        });
      }
    });

    describe('log-batch is all-or-nothing (architecture §3)', () => {
      for (const [name, batch] of FAILING_BATCHES) {
        it(`${name}: writes no metric, param or tag of the batch`, async () => {
          const run = await newRun(`atomic-${name}`);
          await api.ok('/runs/log-parameter', { run_id: run, key: 'p', value: '1' });
          const rowsBefore = await countRows(server.db);
          const body = {
            metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }],
            tags: [{ key: 't', value: 'v' }],
            ...batch(run),
          };
          const r = await api.post('/runs/log-batch', body);
          assert.equal(r.status, 400, r.text);
          assert.ok(isErrorReply(r, 'INVALID_PARAMETER_VALUE'), r.text);
          const got = await api.okGet(`/runs/get?run_id=${run}`);
          assert.equal(got.run.data.metrics, undefined, JSON.stringify(got.run.data.metrics));
          assert.deepEqual(got.run.data.params, [{ key: 'p', value: '1' }]);
          assert.deepEqual(
            got.run.data.tags.map((t: Json) => t.key),
            ['mlflow.runName'],
          );
          for (const key of ['m', 'ok']) {
            assert.equal((await api.get(`/metrics/get-history?run_id=${run}&metric_key=${key}`)).text, '{}');
          }
          assert.deepEqual(await countRows(server.db), rowsBefore);
        });
      }
    });
  });
}
