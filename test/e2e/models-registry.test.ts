// Models from the tracking server: a model folder logged to a run on a real test server, registered and
// aliased, then served and scored by the CLI through models:/ and runs:/ URIs (downloaded through the
// artifact proxy into the model cache), and the cache's reuse and concurrent-download safety.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { MlflowClient } from '@mlflow-ts/client/node';
import { TrackingModelResolver } from '@mlflow-ts/models';
import { startTestServer } from '../support/app.ts';
import { BIN, SPLIT, score, serveModel } from '../support/models-process.ts';

const LOGREG = fileURLToPath(new URL('../fixtures/models/onnx/logreg', import.meta.url));
const run = promisify(execFile);

describe('models from the tracking server (runs:/, models:/)', () => {
  let server: { url: string; close(): Promise<void> };
  let client: MlflowClient;
  let work: string;
  let runId: string;
  before(async () => {
    server = await startTestServer();
    client = new MlflowClient(server.url);
    work = mkdtempSync(join(tmpdir(), 'mlflow-ts-models-reg-'));
    const exp = await client.createExperiment('models-registry');
    runId = (await client.createRun(exp)).info.run_id;
    await client.logArtifacts(runId, LOGREG, 'model');
    await client.registerModel(`runs:/${runId}/model`, 'iris-onnx');
    await client.setRegisteredModelAlias('iris-onnx', 'champion', 1);
    await client.transitionModelVersionStage('iris-onnx', 1, 'Production');
  });
  after(async () => {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('serves models:/x@champion from the CLI and scores', async () => {
    const cache = join(work, 'cache-serve');
    const served = await serveModel(['-m', 'models:/iris-onnx@champion'], {
      MLFLOW_TRACKING_URI: server.url,
      MLFLOW_TS_MODEL_CACHE: cache,
    });
    try {
      const res = await score(served.url, SPLIT);
      assert.equal(res.status, 200);
      const predictions = (res.body as { predictions: { label: number }[] }).predictions;
      assert.deepEqual(
        predictions.map((p) => p.label),
        [0, 2],
      );
    } finally {
      assert.equal(await served.stop(), 0);
    }
  });

  it('predicts through runs:/, models:/name/N and models:/name/Stage with --tracking-uri', async () => {
    const input = join(work, 'in.csv');
    writeFileSync(
      input,
      'sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n',
    );
    const env: NodeJS.ProcessEnv = { ...process.env, MLFLOW_TS_MODEL_CACHE: join(work, 'cache-predict') };
    delete env.MLFLOW_TRACKING_URI;
    for (const uri of [`runs:/${runId}/model`, 'models:/iris-onnx/1', 'models:/iris-onnx/production']) {
      const out = join(work, 'out.jsonl');
      const args = ['models', 'predict', '-m', uri, '--tracking-uri', server.url, '-i', input, '-o', out];
      await run(process.execPath, [BIN, ...args], { env });
      const labels = readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { label: number }).label);
      assert.deepEqual(labels, [0, 2], uri);
    }
  });

  it('refuses a remote URI without a tracking server, and names a missing alias', async () => {
    const env = { ...process.env };
    delete env.MLFLOW_TRACKING_URI;
    await assert.rejects(
      run(
        process.execPath,
        [BIN, 'models', 'predict', '-m', 'models:/iris-onnx@champion', '-i', '/dev/null'],
        {
          env,
        },
      ),
      (err: Error & { stderr: string }) => /set MLFLOW_TRACKING_URI or pass --tracking-uri/.test(err.stderr),
    );
    const resolver = new TrackingModelResolver(client, join(work, 'cache-missing'));
    await assert.rejects(resolver.resolve('models:/iris-onnx@nobody'), /nobody/);
  });

  it('downloads once: concurrent resolutions share one entry, a new process reuses it', async () => {
    const cache = join(work, 'cache-shared');
    const a = new TrackingModelResolver(client, cache);
    const b = new TrackingModelResolver(new MlflowClient(server.url), cache);
    const [ra, rb] = await Promise.all([
      a.resolveModel('models:/iris-onnx@champion'),
      b.resolveModel('models:/iris-onnx/1'),
    ]);
    assert.equal(ra.dir, rb.dir, 'alias and version of the same model share the cache entry');
    assert.equal(ra.version?.version, '1');
    assert.ok(existsSync(join(ra.dir, 'model.onnx')));
    assert.match(
      readFileSync(join(ra.dir, 'registered_model_meta'), 'utf8'),
      /model_name: iris-onnx\nmodel_version: '1'/,
    );
    // A later resolver (as after a restart) finds the entry and downloads nothing.
    const again = await new TrackingModelResolver(new MlflowClient(server.url), cache).resolveModel(
      'models:/iris-onnx/Production',
    );
    assert.equal(again.dir, ra.dir);
    assert.equal(again.downloaded, false);
  });
});
