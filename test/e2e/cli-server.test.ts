import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type CliServer, startCliServer } from '../support/cli-process.ts';

const BIN = fileURLToPath(new URL('../../bin/mlflow-ts.mjs', import.meta.url));

describe('mlflow-ts CLI', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mlflow-ts-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints its version and help', () => {
    assert.match(execFileSync(process.execPath, [BIN, '--version']).toString(), /^\d+\.\d+\.\d+/);
    const help = execFileSync(process.execPath, [BIN, 'server', '--help']).toString();
    for (const flag of [
      '--backend-store-uri',
      '--default-artifact-root',
      '--artifacts-destination',
      '--workers',
    ]) {
      assert.ok(help.includes(flag), `help lists ${flag}`);
    }
  });

  it('db upgrade creates the schema and is idempotent', () => {
    const uri = `sqlite:///${join(dir, 'upgrade.db')}`;
    assert.match(
      execFileSync(process.execPath, [BIN, 'db', 'upgrade', uri]).toString(),
      /Created MLflow schema/,
    );
    assert.match(execFileSync(process.execPath, [BIN, 'db', 'upgrade', uri]).toString(), /no new migrations/);
  });

  describe('server', () => {
    let server: CliServer;
    before(async () => {
      server = await startCliServer(['--backend-store-uri', `sqlite:///${join(dir, 'server.db')}`]);
    });
    after(async () => {
      assert.equal(await server.stop(), 0, 'exits cleanly on SIGTERM');
    });

    it('answers /health, /version and the UI placeholder', async () => {
      assert.equal(await (await fetch(`${server.url}/health`)).text(), 'OK');
      assert.match(await (await fetch(`${server.url}/version`)).text(), /^\d+\.\d+\.\d+$/);
      assert.match(await (await fetch(`${server.url}/`)).text(), /mlflow-ts/);
    });

    it('serves the tracking API as MLflow’s client calls it', async () => {
      const api = `${server.url}/api/2.0/mlflow`;
      const missing = await fetch(`${api}/experiments/get-by-name?experiment_name=demo`);
      assert.equal(missing.status, 404);
      assert.equal(((await missing.json()) as { error_code: string }).error_code, 'RESOURCE_DOES_NOT_EXIST');
      const created = await fetch(`${api}/experiments/create`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'demo' }),
      });
      assert.deepEqual(await created.json(), { experiment_id: '1' });
    });
  });

  it('runs several workers on one SQLite file', async () => {
    const server = await startCliServer(
      ['--backend-store-uri', `sqlite:///${join(dir, 'workers.db')}`, '--workers', '2'],
      {},
    );
    try {
      const api = `${server.url}/api/2.0/mlflow`;
      const names = Array.from({ length: 20 }, (_, i) => `w-${i}`);
      const statuses = await Promise.all(
        names.map(
          async (name) =>
            (
              await fetch(`${api}/experiments/create`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ name }),
              })
            ).status,
        ),
      );
      assert.deepEqual(new Set(statuses), new Set([200]));
      const search = await fetch(`${api}/experiments/search`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ max_results: 100, filter: "name LIKE 'w-%'" }),
      });
      assert.equal(((await search.json()) as { experiments: unknown[] }).experiments.length, 20);
      // Metric logging goes to each worker's write thread, beside both main threads' writers: 8 clients × 6
      // batches spread over the two processes, every point stored once.
      const post = async (path: string, body: unknown) => {
        const res = await fetch(`${api}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        assert.equal(res.status, 200, await res.clone().text());
        return (await res.json()) as Record<string, unknown>;
      };
      const { experiment_id } = await post('/experiments/create', { name: 'logging' });
      const runId = (
        (await post('/runs/create', { experiment_id, start_time: 1 })) as {
          run: { info: { run_id: string } };
        }
      ).run.info.run_id;
      await Promise.all(
        Array.from({ length: 8 }, async (_, c) => {
          for (let b = 0; b < 6; b++) {
            const metrics = Array.from({ length: 200 }, (_, i) => ({
              key: 'loss',
              value: i,
              timestamp: 1,
              step: (c * 6 + b) * 200 + i,
            }));
            await post('/runs/log-batch', { run_id: runId, metrics });
            await post('/runs/set-tag', { run_id: runId, key: `client-${c}`, value: String(b) });
          }
        }),
      );
      const history = await fetch(`${api}/metrics/get-history?run_id=${runId}&metric_key=loss`);
      const points = ((await history.json()) as { metrics: { step: number }[] }).metrics;
      assert.equal(points.length, 8 * 6 * 200);
      assert.equal(new Set(points.map((p) => p.step)).size, 8 * 6 * 200);
    } finally {
      assert.equal(await server.stop(), 0, 'the primary stops its workers and exits cleanly');
    }
  });
});
