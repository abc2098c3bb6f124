// The log-batch write thread (packages/server/src/write-thread): batches it writes must answer exactly as the
// main thread's writer does — statuses, error bodies, param conflicts in both wordings — be readable as soon as
// acknowledged, lose and duplicate nothing under concurrent clients while the main thread's writer commits
// beside it, and the thread must start and stop on demand.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildApp, openSqlTrackingStore, type SqlTrackingStore, TrackingService } from '@mlflow-ts/server';
import type { FastifyInstance } from 'fastify';

const API = '/api/2.0/mlflow';
/** Smaller batches stay on the main thread (batch-writer.ts MIN_THREAD_ITEMS). */
const THREAD_MIN = 100;
/** `n` points of key `pad`: enough to send a batch to the thread. */
const pad = (n = THREAD_MIN) =>
  Array.from({ length: n }, (_, i) => ({ key: 'pad', value: i, timestamp: 1, step: i }));

async function until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Side {
  store: SqlTrackingStore;
  app: FastifyInstance;
}

describe('log-batch write thread', () => {
  let dir: string;
  let threaded: Side;
  let plain: Side;

  const open = async (name: string, thread: boolean): Promise<Side> => {
    const store = await openSqlTrackingStore(`sqlite:///${join(dir, name)}`, {
      defaultArtifactRoot: 'mlflow-artifacts:/',
      sqliteWriteThread: thread,
      sqliteWriteThreadIdleMs: 1_500,
    });
    return { store, app: buildApp({ tracking: new TrackingService(store) }) };
  };
  const post = (side: Side, url: string, body: unknown) =>
    side.app.inject({ method: 'POST', url: API + url, payload: body as object });
  const newRun = async (side: Side, experimentId: string) => {
    const res = await post(side, '/runs/create', { experiment_id: experimentId, start_time: 1 });
    assert.equal(res.statusCode, 200, res.body);
    return res.json().run.info.run_id as string;
  };
  const newExperiment = async (side: Side, name: string) => {
    const res = await post(side, '/experiments/create', { name });
    assert.equal(res.statusCode, 200, res.body);
    return res.json().experiment_id as string;
  };
  /** Starts the thread (the first batch runs on the main thread) and waits until it takes batches. */
  const warm = async (side: Side) => {
    const exp = await newExperiment(side, `warm-${Date.now()}`);
    const run = await newRun(side, exp);
    const res = await post(side, '/runs/log-batch', {
      run_id: run,
      metrics: pad(),
    });
    assert.equal(res.statusCode, 200, res.body);
    await until(() => side.store.writeThreadReady, 'the write thread');
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mlflow-ts-write-thread-'));
    threaded = await open('threaded.db', true);
    plain = await open('plain.db', false);
  });
  after(async () => {
    await threaded.app.close();
    await plain.app.close();
    await threaded.store.close();
    await plain.store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('16 clients × 1,000 points beside main-thread writes: every point once, latest values right', async () => {
    await warm(threaded);
    const exp = await newExperiment(threaded, 'concurrent');
    const runs = await Promise.all(Array.from({ length: 16 }, () => newRun(threaded, exp)));
    const batches = 4;
    const clients = runs.map(async (run, c) => {
      for (let b = 0; b < batches; b++) {
        const metrics = Array.from({ length: 1000 }, (_, i) => ({
          key: `m${i % 10}`,
          value: c + b + i / 1000,
          timestamp: 1_000 + b,
          step: b * 100 + Math.floor(i / 10),
        }));
        const res = await post(threaded, '/runs/log-batch', { run_id: run, metrics });
        assert.equal(res.statusCode, 200, res.body);
      }
    });
    // Writes of the main thread's own writer, interleaved with the thread's commits.
    const mainWrites = (async () => {
      for (let i = 0; i < 40; i++) {
        const res = await post(threaded, '/runs/update', { run_id: runs[i % 16], run_name: `renamed-${i}` });
        assert.equal(res.statusCode, 200, res.body);
        await newRun(threaded, exp);
      }
    })();
    await Promise.all([...clients, mainWrites]);
    for (const run of runs) {
      const res = await threaded.app.inject({
        method: 'GET',
        url: `${API}/metrics/get-history?run_id=${run}&metric_key=m3`,
      });
      const points = res.json().metrics as { step: number }[];
      assert.equal(points.length, batches * 100);
      assert.equal(new Set(points.map((p) => p.step)).size, batches * 100);
      const got = await threaded.app.inject({ method: 'GET', url: `${API}/runs/get?run_id=${run}` });
      const latest = (got.json().run.data.metrics as { key: string; step: number }[]).find(
        (m) => m.key === 'm3',
      );
      assert.equal(latest?.step, batches * 100 - 1);
    }
  });

  it('answers errors exactly as the main thread does', async () => {
    await warm(threaded);
    const cases: [string, (run: string, deleted: string) => unknown][] = [
      ['/runs/log-batch', () => ({ run_id: 'f'.repeat(32), metrics: pad() })],
      ['/runs/log-batch', (_r, deleted) => ({ run_id: deleted, metrics: pad() })],
      ['/runs/log-metric', (_r, deleted) => ({ run_id: deleted, key: 'a', value: 1, timestamp: 1 })],
      [
        '/runs/log-batch',
        (run) => ({ run_id: run, params: [{ key: 'p', value: 'changed' }], metrics: pad() }),
      ],
      ['/runs/log-parameter', (run) => ({ run_id: run, key: 'p', value: 'changed' })],
      [
        '/runs/log-batch',
        (run) => ({
          run_id: run,
          params: [{ key: 'q', value: 'new' }],
          metrics: pad(),
          tags: [{ key: 'p', value: 'x' }],
        }),
      ],
    ];
    const answers = async (side: Side) => {
      const exp = await newExperiment(side, 'errors');
      const run = await newRun(side, exp);
      const deleted = await newRun(side, exp);
      await post(side, '/runs/delete', { run_id: deleted });
      await post(side, '/runs/log-parameter', { run_id: run, key: 'p', value: 'first' });
      await post(side, '/runs/log-parameter', { run_id: run, key: 'q', value: 'old' });
      const out: { status: number; body: string }[] = [];
      for (const [url, body] of cases) {
        const res = await post(side, url, body(run, deleted));
        out.push({
          status: res.statusCode,
          body: res.body.replaceAll(run, 'RUN').replaceAll(deleted, 'DELETED'),
        });
      }
      // Nothing of a failed batch was written.
      const got = await side.app.inject({ method: 'GET', url: `${API}/runs/get?run_id=${run}` });
      out.push({ status: got.statusCode, body: JSON.stringify(got.json().run.data.metrics ?? []) });
      return out;
    };
    const viaThread = await answers(threaded);
    assert.ok(threaded.store.writeThreadReady);
    const inProcess = await answers(plain);
    assert.deepEqual(viaThread, inProcess);
    assert.deepEqual(
      viaThread.slice(0, -1).map((a) => a.status),
      [404, 400, 400, 400, 400, 400],
    );
    assert.match(viaThread[4]!.body, /Param with key='p' was already logged with value='first'/);
    assert.match(viaThread[3]!.body, /Params were already logged=/);
  });

  it('stores duplicates once and NaN / ±Infinity exactly as the main thread does', async () => {
    await warm(threaded);
    const points = [
      { key: 'd', value: 1.5, timestamp: 10, step: 1 },
      { key: 'd', value: 1.5, timestamp: 10, step: 1 },
      { key: 'd', value: 'NaN', timestamp: 11, step: 2 },
      { key: 'd', value: 'Infinity', timestamp: 12, step: 3 },
      { key: 'd', value: '-Infinity', timestamp: 13, step: 4 },
      { key: 'd', value: 1.5, timestamp: 10, step: 1.0 },
    ];
    const stored = async (side: Side) => {
      const exp = await newExperiment(side, 'values');
      const run = await newRun(side, exp);
      for (const metrics of [
        [...points, ...pad()],
        [...points.slice(0, 3), ...pad()],
      ]) {
        const res = await post(side, '/runs/log-batch', { run_id: run, metrics });
        assert.equal(res.statusCode, 200, res.body);
      }
      const history = await side.app.inject({
        method: 'GET',
        url: `${API}/metrics/get-history?run_id=${run}&metric_key=d`,
      });
      const got = await side.app.inject({ method: 'GET', url: `${API}/runs/get?run_id=${run}` });
      return { history: history.json(), latest: got.json().run.data.metrics };
    };
    const viaThread = await stored(threaded);
    assert.ok(threaded.store.writeThreadReady);
    assert.deepEqual(viaThread, await stored(plain));
    assert.deepEqual(
      (viaThread.history.metrics as { value: unknown }[]).map((m) => m.value),
      // MLflow's SQL store keeps ±Infinity as the largest finite doubles.
      [1.5, 'NaN', Number.MAX_VALUE, -Number.MAX_VALUE],
    );
  });

  it('a thread started by a batch it did not write stops when idle too', async () => {
    const fresh = await open('fresh.db', true);
    try {
      // Its only batch ran on the main thread while the thread started; none ever reached it.
      await warm(fresh);
      await until(() => !fresh.store.writeThreadReady, 'the unused thread to stop', 10_000);
    } finally {
      await fresh.app.close();
      await fresh.store.close();
    }
  });

  it('stops when idle and starts again on the next batch', async () => {
    await warm(threaded);
    await until(() => !threaded.store.writeThreadReady, 'the idle thread to stop', 10_000);
    const exp = await newExperiment(threaded, 'restart');
    const run = await newRun(threaded, exp);
    const batch = (first: number) => ({
      run_id: run,
      metrics: Array.from({ length: THREAD_MIN }, (_, i) => ({
        key: 'k',
        value: first + i,
        timestamp: 3,
        step: first + i,
      })),
    });
    const res = await post(threaded, '/runs/log-batch', batch(0));
    assert.equal(res.statusCode, 200, res.body);
    await until(() => threaded.store.writeThreadReady, 'the thread to start again');
    const again = await post(threaded, '/runs/log-batch', batch(THREAD_MIN));
    assert.equal(again.statusCode, 200, again.body);
    const got = await threaded.app.inject({
      method: 'GET',
      url: `${API}/metrics/get-history?run_id=${run}&metric_key=k`,
    });
    assert.deepEqual(
      (got.json().metrics as { step: number }[]).map((m) => m.step),
      Array.from({ length: 2 * THREAD_MIN }, (_, i) => i),
    );
  });

  it('small batches (log-metric, log-parameter, set-tag) stay on the main thread and start no thread', async () => {
    const fresh = await open('small.db', true);
    try {
      const exp = await newExperiment(fresh, 'small');
      const run = await newRun(fresh, exp);
      for (let step = 0; step < 20; step++) {
        const res = await post(fresh, '/runs/log-metric', {
          run_id: run,
          key: 'm',
          value: step,
          timestamp: 1,
          step,
        });
        assert.equal(res.statusCode, 200, res.body);
      }
      await post(fresh, '/runs/log-parameter', { run_id: run, key: 'p', value: 'v' });
      await post(fresh, '/runs/set-tag', { run_id: run, key: 't', value: 'v' });
      await post(fresh, '/runs/log-batch', { run_id: run, metrics: pad(THREAD_MIN - 1) });
      // Long enough for a thread to have come up had one been started (it takes ~0.3 s).
      await new Promise((r) => setTimeout(r, 1_000));
      assert.equal(fresh.store.writeThreadReady, false);
      const got = await fresh.app.inject({ method: 'GET', url: `${API}/runs/get?run_id=${run}` });
      const data = got.json().run.data;
      assert.equal(data.params.length, 1);
      assert.ok(data.metrics.some((m: { key: string; step: number }) => m.key === 'm' && m.step === 19));
    } finally {
      await fresh.app.close();
      await fresh.store.close();
    }
  });
});
