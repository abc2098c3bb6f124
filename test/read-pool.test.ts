// The read threads (packages/server/src/read-pool): every pooled RPC must answer exactly as the main
// thread does — bodies, statuses, errors, streamed histories — see writes acknowledged before it, survive
// clients that leave mid-stream, and start and stop on demand.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  buildApp,
  openSqlTrackingStore,
  ReadPool,
  type SqlTrackingStore,
  TrackingService,
} from '@mlflow-ts/server';
import type { FastifyInstance } from 'fastify';

const API = '/api/2.0/mlflow';
const ROOT = 'mlflow-artifacts:/';

async function until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('read threads', () => {
  let dir: string;
  let path: string;
  let store: SqlTrackingStore;
  let pool: ReadPool;
  let pooled: FastifyInstance;
  let plain: FastifyInstance;
  let experimentId: string;
  let runId: string;

  const post = (app: FastifyInstance, url: string, body: unknown) =>
    app.inject({ method: 'POST', url: API + url, payload: body as object });
  const get = (app: FastifyInstance, url: string) => app.inject({ method: 'GET', url: API + url });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mlflow-ts-read-pool-'));
    path = join(dir, 'mlflow.db');
    store = await openSqlTrackingStore(`sqlite:///${path}`, {
      defaultArtifactRoot: ROOT,
      historyCacheBytes: 4 << 20,
    });
    pool = new ReadPool({
      path,
      defaultArtifactRoot: ROOT,
      threads: 2,
      historyCacheBytes: 4 << 20,
      idleMs: 400,
    });
    const tracking = new TrackingService(store);
    pooled = buildApp({ tracking, readPool: pool });
    plain = buildApp({ tracking });
    experimentId = (await store.createExperiment({ name: 'pool', tags: [{ key: 't', value: 'v' }] }))!;
    for (let i = 0; i < 30; i++) {
      const run = await store.createRun({
        experimentId,
        userId: 'u',
        startTime: 1000 + i,
        tags: [{ key: 'mlflow.runName', value: `run-${i}` }],
      });
      await store.logBatch(run.info.run_id, {
        metrics: [
          { key: 'acc', value: i % 7 === 0 ? Number.NaN : i / 30, timestamp: 5, step: 1 },
          { key: 'loss', value: i === 3 ? Number.POSITIVE_INFINITY : 1 / (i + 1), timestamp: 5, step: 1 },
        ],
        params: [{ key: 'lr', value: String(i % 3) }],
        tags: [{ key: 'team', value: i % 2 ? 'a' : 'b' }],
      });
      runId = run.info.run_id;
    }
    const metrics = Array.from({ length: 5000 }, (_, step) => ({
      key: 'curve',
      value: step === 10 ? Number.NaN : step === 11 ? Number.NEGATIVE_INFINITY : Math.sin(step),
      timestamp: 2000 + step,
      step,
    }));
    await store.logBatch(runId, { metrics, params: [], tags: [] });
    // The first pooled call starts the threads (and is answered here meanwhile).
    await post(pooled, '/experiments/search', {});
    await until(() => pool.readyThreads === 2, 'two ready read threads');
  });

  after(async () => {
    await pooled?.close();
    await plain?.close();
    await pool?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const CASES: [string, 'GET' | 'POST', string, unknown?][] = [
    ['runs/search by metric', 'POST', '/runs/search', { order_by: ['metrics.acc DESC'], max_results: 7 }],
    ['runs/search with filter', 'POST', '/runs/search', { filter: "params.lr = '1' and tags.team = 'a'" }],
    [
      'runs/search second page',
      'POST',
      '/runs/search',
      { max_results: 10, page_token: 'eyJvZmZzZXQiOiAxMH0=' },
    ],
    ['runs/search bad filter', 'POST', '/runs/search', { filter: 'metrics.acc >' }],
    ['experiments/search', 'POST', '/experiments/search', { max_results: 1000 }],
    ['experiments/search bad order', 'POST', '/experiments/search', { order_by: ['nope ASC'] }],
    ['get-history whole', 'GET', '/metrics/get-history?metric_key=curve&run_id='],
    ['get-history paged', 'GET', '/metrics/get-history?metric_key=curve&max_results=100&run_id='],
    ['get-history missing key', 'GET', '/metrics/get-history?metric_key=nope&run_id='],
    [
      'get-history-bulk-interval',
      'GET',
      '/metrics/get-history-bulk-interval?metric_key=curve&max_results=50&run_ids=',
    ],
  ];

  for (const [name, method, url, body] of CASES) {
    it(`answers ${name} exactly as the main thread does`, async () => {
      const payload = url.startsWith('/runs/')
        ? { ...(body as object), experiment_ids: [experimentId] }
        : body;
      const full = url.endsWith('=') ? url + runId : url;
      const send = (app: FastifyInstance) => (method === 'GET' ? get(app, full) : post(app, full, payload));
      const hitsBefore = pool.readyThreads;
      const [a, b] = [await send(plain), await send(pooled)];
      assert.equal(hitsBefore, 2);
      assert.equal(b.statusCode, a.statusCode);
      assert.equal(b.headers['content-type'], a.headers['content-type']);
      assert.deepEqual(JSON.parse(b.body), JSON.parse(a.body));
      // Same text too, not only the same values: clients see identical bytes.
      assert.equal(b.body, a.body);
    });
  }

  it('sees every write acknowledged before the read', async () => {
    for (let i = 0; i < 20; i++) {
      const step = 10_000 + i;
      const res = await post(pooled, '/runs/log-batch', {
        run_id: runId,
        metrics: [{ key: 'curve', value: i, timestamp: 1, step }],
      });
      assert.equal(res.statusCode, 200);
      const history = JSON.parse(
        (await get(pooled, `/metrics/get-history?metric_key=curve&run_id=${runId}`)).body,
      );
      assert.equal(history.metrics.at(-1).step, step);
    }
  });

  it('keeps serving after a client leaves in the middle of a streamed history', async () => {
    await pooled.listen({ port: 0, host: '127.0.0.1' });
    const { port } = pooled.server.address() as AddressInfo;
    for (let i = 0; i < 4; i++) {
      await new Promise<void>((resolve, reject) => {
        const req = request(
          { port, host: '127.0.0.1', path: `${API}/metrics/get-history?metric_key=curve&run_id=${runId}` },
          (res) => {
            res.once('data', () => {
              req.destroy();
              resolve();
            });
          },
        );
        req.on('error', (err) =>
          (err as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve() : reject(err),
        );
        req.end();
      });
    }
    const res = await get(pooled, `/metrics/get-history?metric_key=curve&run_id=${runId}`);
    assert.equal(res.statusCode, 200);
    assert.equal(JSON.parse(res.body).metrics.length, 5020);
  });

  it('stops its threads when idle and starts them again on demand, answering meanwhile', async () => {
    await until(() => pool.readyThreads === 0, 'idle threads to stop', 5000);
    const res = await post(pooled, '/runs/search', { experiment_ids: [experimentId], max_results: 3 });
    assert.equal(res.statusCode, 200);
    assert.equal(JSON.parse(res.body).runs.length, 3);
    await until(() => pool.readyThreads === 2, 'threads to start again');
  });
});
