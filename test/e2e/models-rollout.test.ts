// Rollout by alias through the CLI against a real test server: two versions of one registered model
// (the logreg and the MLP ONNX fixtures, same signature, different probabilities), a weighted traffic
// split, a shadow that is scored but never answers, and promotion by moving an alias (SIGHUP, interval).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MlflowClient } from '@mlflow-ts/client/node';
import { startTestServer } from '../support/app.ts';
import { type ModelServer, score, serveModel } from '../support/models-process.ts';

const ONNX = fileURLToPath(new URL('../fixtures/models/onnx/', import.meta.url));
const ROW = {
  dataframe_split: {
    columns: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'],
    data: [[5.9, 3.0, 4.2, 1.5]],
  },
};

/** `n` requests, 8 at a time; the answering version and body of each. */
async function many(url: string, n: number) {
  const out: { version: string; body: string }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      const r = await score(url, ROW);
      assert.equal(r.status, 200);
      out.push({ version: r.version!, body: JSON.stringify(r.body) });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return out;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('models serve rollout (--route, --shadow, alias re-resolution)', () => {
  let server: { url: string; close(): Promise<void> };
  let client: MlflowClient;
  let env: NodeJS.ProcessEnv;
  let cache: string;
  const started: ModelServer[] = [];
  const serve = async (args: string[]) => {
    const s = await serveModel(args, env);
    started.push(s);
    return s;
  };

  before(async () => {
    server = await startTestServer();
    client = new MlflowClient(server.url);
    cache = mkdtempSync(join(tmpdir(), 'mlflow-ts-rollout-'));
    env = { MLFLOW_TRACKING_URI: server.url, MLFLOW_TS_MODEL_CACHE: cache };
    const exp = await client.createExperiment('rollout');
    for (const name of ['logreg', 'mlp']) {
      const runId = (await client.createRun(exp)).info.run_id;
      await client.logArtifacts(runId, join(ONNX, name), 'model');
      await client.registerModel(`runs:/${runId}/model`, 'iris-roll');
    }
    await client.setRegisteredModelAlias('iris-roll', 'champion', 1);
    await client.setRegisteredModelAlias('iris-roll', 'challenger', 2);
  });
  after(async () => {
    for (const s of started) await s.stop();
    await server.close();
    rmSync(cache, { recursive: true, force: true });
  });

  it('splits traffic by weight and says which version answered', async () => {
    const s = await serve([
      '-m',
      'models:/iris-roll',
      '--route',
      'champion=90',
      '--route',
      'challenger=10',
      '--refresh-interval',
      '0',
    ]);
    const n = 1000;
    const answers = await many(s.url, n);
    const byVersion = new Map<string, Set<string>>();
    for (const a of answers) byVersion.set(a.version, (byVersion.get(a.version) ?? new Set()).add(a.body));
    const challenger = answers.filter((a) => a.version === '2').length;
    // Binomial(1000, 0.1): mean 100, sd 9.5; ±5 sd fails by chance less than once in a million runs.
    assert.ok(challenger >= 52 && challenger <= 148, `challenger answered ${challenger} of ${n}`);
    assert.deepEqual([...byVersion.keys()].sort(), ['1', '2']);
    // Each version always gives its own answer, and the two differ.
    assert.equal(byVersion.get('1')!.size, 1);
    assert.equal(byVersion.get('2')!.size, 1);
    assert.notDeepEqual([...byVersion.get('1')!], [...byVersion.get('2')!]);
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    assert.match(
      metrics,
      /mlflow_ts_route_info\{alias="champion",model_version="1",role="route",weight="90"\} 1/,
    );
    assert.match(
      metrics,
      new RegExp(
        `mlflow_ts_requests_total\\{model_version="2",status="200",role="answer"\\} ${challenger}\\n`,
      ),
    );
    assert.match(metrics, /mlflow_ts_batch_rows_count\{model_version="1"\} \d+/);
  });

  it('scores the shadow on every request and never returns its answer', async () => {
    const s = await serve([
      '-m',
      'models:/iris-roll@champion',
      '--shadow',
      'challenger',
      '--refresh-interval',
      '0',
    ]);
    const answers = await many(s.url, 200);
    assert.ok(answers.every((a) => a.version === '1'));
    assert.equal(new Set(answers.map((a) => a.body)).size, 1);
    const direct = await serve(['-m', 'models:/iris-roll/2']);
    const shadowAnswer = JSON.stringify((await score(direct.url, ROW)).body);
    assert.notEqual(answers[0]!.body, shadowAnswer, "the answer is never the shadow version's");
    await until('200 shadow scorings in /metrics', async () => {
      const text = await (await fetch(`${s.url}/metrics`)).text();
      return (
        /mlflow_ts_requests_total\{model_version="2",status="200",role="shadow"\} 200\n/.test(text) ||
        undefined
      );
    });
  });

  it('follows a moved alias on SIGHUP and on the refresh interval, without a restart', async () => {
    const onSignal = await serve(['-m', 'models:/iris-roll@champion', '--refresh-interval', '0']);
    const onTimer = await serve(['-m', 'models:/iris-roll@champion', '--refresh-interval', '1']);
    assert.equal((await score(onSignal.url, ROW)).version, '1');
    await client.setRegisteredModelAlias('iris-roll', 'champion', 2);
    onSignal.child.kill('SIGHUP');
    await until('SIGHUP promotion', async () =>
      (await score(onSignal.url, ROW)).version === '2' ? true : undefined,
    );
    await until('interval promotion', async () =>
      (await score(onTimer.url, ROW)).version === '2' ? true : undefined,
    );
    assert.match(onSignal.output(), /alias 'champion' of 'iris-roll' now serves version 2 \(was 1\)/);
    // Requests keep succeeding across the swap, and the old version is released.
    await client.setRegisteredModelAlias('iris-roll', 'champion', 1);
    const during = many(onTimer.url, 300);
    await until('interval demotion', async () =>
      (await score(onTimer.url, ROW)).version === '1' ? true : undefined,
    );
    assert.equal((await during).length, 300);
  });

  it('refuses routes that cannot work', async () => {
    await assert.rejects(
      serveModel(['-m', 'models:/iris-roll/1', '--route', 'champion=1'], env),
      /--route needs -m models:\/<name>/,
    );
    await assert.rejects(
      serveModel(['-m', 'models:/iris-roll', '--route', 'champion=1', '--shadow', 'champion'], env),
      /also a --route/,
    );
    await assert.rejects(
      serveModel(['-m', 'models:/iris-roll', '--route', 'nobody=1'], env),
      /alias 'nobody'/,
    );
    await assert.rejects(serveModel(['-m', 'models:/iris-roll', '--route', 'champion'], env), /ALIAS=WEIGHT/);
  });
});
