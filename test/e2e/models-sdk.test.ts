// logModel and loadModel through the SDK against a real test server: a js_function model and an existing
// ONNX model directory are logged to runs (artifacts + runs/log-model + registration), and loaded back
// through runs:/ and models:/ URIs to predict.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MlflowClient } from '@mlflow-ts/client/node';
import { inferSignature, loadModel, logModel, readTrainingProfile } from '@mlflow-ts/models';
import { startTestServer } from '../support/app.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/models/', import.meta.url));

describe('logModel / loadModel (SDK)', () => {
  let server: { url: string; close(): Promise<void> };
  let client: MlflowClient;
  let cacheDir: string;
  let experimentId: string;
  before(async () => {
    server = await startTestServer();
    client = new MlflowClient(server.url);
    cacheDir = mkdtempSync(join(tmpdir(), 'mlflow-ts-sdk-models-'));
    experimentId = await client.createExperiment('sdk-models');
  });
  after(async () => {
    await server.close();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('logs a js_function model, registers it, and loads it back by version', async () => {
    const runId = (await client.createRun(experimentId)).info.run_id;
    const signature = inferSignature([{ x: 1, y: 2 }], [0.5]);
    const logged = await logModel(
      { client, runId },
      {
        artifactPath: 'linear',
        jsFunction: {
          module: join(FIXTURES, 'js/linear/model.mjs'),
          artifacts: { weights: join(FIXTURES, 'js/linear/artifacts/weights.json') },
          signature: {
            ...signature,
            params: [{ name: 'scale', type: 'double', default: 1, shape: null }],
          },
          inputExample: [{ x: 1, y: 2 }],
          batchable: true,
        },
        registeredModelName: 'linear-js',
      },
    );
    assert.equal(logged.modelUri, `runs:/${runId}/linear`);
    assert.equal(logged.modelVersion?.version, '1');
    assert.equal(logged.modelVersion?.run_id, runId);

    // What Python's client records: the run's log-model history and the uploaded MLmodel.
    const run = await client.getRun(runId);
    const history = JSON.parse(run.data.tags!.find((t) => t.key === 'mlflow.log-model.history')!.value!);
    assert.equal(history[0].artifact_path, 'linear');
    assert.equal(history[0].run_id, runId);
    assert.ok(history[0].flavors.js_function);
    const files = (await client.listArtifacts(runId, 'linear')).map((f) => f.path).sort();
    assert.deepEqual(files, [
      'linear/MLmodel',
      'linear/artifacts',
      'linear/input_example.json',
      'linear/model.mjs',
      'linear/serving_input_example.json',
    ]);

    const model = await loadModel('models:/linear-js/1', { client, cacheDir });
    assert.equal(model.flavor, 'js_function');
    assert.equal(model.metadata.run_id, runId);
    // y = 2x - y + 0.5, times scale
    assert.deepEqual(
      await model.predict(
        [
          { x: 1, y: 2 },
          { x: 3, y: 1 },
        ],
        { scale: 2 },
      ),
      [1, 11],
    );
    await model.close();
  });

  it('logs an existing ONNX model directory and loads it through runs:/', async () => {
    const runId = (await client.createRun(experimentId)).info.run_id;
    // With training data, a profile for drift monitoring travels with the model.
    const trainingData = {
      sepal_length: [5.1, 4.9, 6.7, 5.9, 6.3, 5.0],
      sepal_width: [3.5, 3.0, 3.0, 3.0, 2.5, 3.4],
      petal_length: [1.4, 1.4, 5.2, 4.2, 5.0, 1.5],
      petal_width: [0.2, 0.2, 2.3, 1.5, 1.9, 0.2],
    };
    const logged = await logModel(
      { client, runId },
      { modelDir: join(FIXTURES, 'onnx/logreg'), trainingData },
    );
    assert.equal(logged.mlmodel.run_id, runId);
    assert.equal(logged.mlmodel.artifact_path, 'model');
    assert.ok(logged.mlmodel.flavors.onnx);
    const model = await loadModel(logged.modelUri, { client, cacheDir });
    const downloaded = await client.downloadArtifacts({
      runId,
      artifactPath: 'model',
      dstPath: join(cacheDir, 'dl'),
    });
    const profile = await readTrainingProfile(downloaded);
    assert.deepEqual(Object.keys(profile?.features ?? {}), Object.keys(trainingData));
    assert.equal(profile?.features.petal_length?.count, 6);
    assert.equal(profile?.features.petal_length?.max, 5.2);
    const out = (await model.predict([
      { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 },
    ])) as { label: number }[];
    assert.equal(out[0]!.label, 0);
    await model.close();
  });

  it('refuses contradictory or missing model sources', async () => {
    const runId = (await client.createRun(experimentId)).info.run_id;
    await assert.rejects(logModel({ client, runId }, {}), /needs jsFunction or modelDir/);
    await assert.rejects(
      logModel({ client, runId }, { modelDir: FIXTURES, jsFunction: { module: 'x.mjs' } }),
      /not both/,
    );
  });
});
