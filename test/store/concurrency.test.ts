import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { createTestApp, type TestApp } from '../support/app.ts';
import { describeEachDialect } from '../support/dialects.ts';

// 16 clients send log-batch requests at the same time over HTTP; group commit (SQLite) and pooled
// transactions (PostgreSQL) must store every point exactly once and keep latest_metrics right.
describeEachDialect('concurrent log-batch', (dialect) => {
  let t: TestApp;
  let base: string;
  before(async () => {
    t = await createTestApp(dialect);
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/api/2.0/mlflow`;
  });
  after(() => t.close());

  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${base}/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 200, await res.clone().text());
    return res.json();
  };

  it('16 clients × 10 batches of 500 points: every point there exactly once', async () => {
    const { experiment_id } = (await post('experiments/create', { name: 'concurrency' })) as {
      experiment_id: string;
    };
    const runs = await Promise.all(
      [0, 1, 2, 3].map(
        async () =>
          (
            (await post('runs/create', { experiment_id, start_time: 0 })) as {
              run: { info: { run_id: string } };
            }
          ).run.info.run_id,
      ),
    );
    const CLIENTS = 16;
    const BATCHES = 10;
    const POINTS = 500;
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        for (let b = 0; b < BATCHES; b++) {
          const run_id = runs[client % runs.length];
          const metrics = Array.from({ length: POINTS }, (_, i) => ({
            key: `m${client % 3}`,
            value: client * 1e6 + b * POINTS + i,
            timestamp: 1_700_000_000_000,
            step: client * BATCHES * POINTS + b * POINTS + i,
          }));
          await post('runs/log-batch', { run_id, metrics, params: [{ key: `p${client}`, value: 'v' }] });
        }
      }),
    );
    let total = 0;
    for (const run_id of runs) {
      const run = (await (await fetch(`${base}/runs/get?run_id=${run_id}`)).json()) as {
        run: { data: { metrics?: { key: string; step: number }[] } };
      };
      for (const latest of run.run.data.metrics ?? []) {
        const res = await fetch(`${base}/metrics/get-history?run_id=${run_id}&metric_key=${latest.key}`);
        const { metrics } = (await res.json()) as { metrics: { step: number }[] };
        const steps = new Set(metrics.map((m) => m.step));
        assert.equal(steps.size, metrics.length, 'no duplicate points');
        assert.equal(latest.step, Math.max(...steps), 'latest_metrics holds the highest step');
        total += metrics.length;
      }
    }
    assert.equal(total, CLIENTS * BATCHES * POINTS);
  });
});
