// The registry seed workflow through the TypeScript SDK against the real server: log a model folder,
// register it from its runs:/ URI, promote it with an alias and a stage, then load it back through
// models:/ URIs (what a serving process does).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { MlflowApiError, MlflowClient, parseModelsUri } from '@mlflow-ts/client/node';
import { startTestServer } from '../support/app.ts';
import { describeEachDialect } from '../support/dialects.ts';

it('parses every models:/ form', () => {
  assert.deepEqual(parseModelsUri('models:/iris/3'), { name: 'iris', version: '3', subPath: '' });
  assert.deepEqual(parseModelsUri('models:/iris/3/MLmodel'), {
    name: 'iris',
    version: '3',
    subPath: 'MLmodel',
  });
  assert.deepEqual(parseModelsUri('models:/iris@champion'), { name: 'iris', alias: 'champion', subPath: '' });
  assert.deepEqual(parseModelsUri('models:/a@b@prod/x'), { name: 'a@b', alias: 'prod', subPath: 'x' });
  assert.deepEqual(parseModelsUri('models:/iris/Production'), {
    name: 'iris',
    stage: 'Production',
    subPath: '',
  });
  assert.throws(() => parseModelsUri('models:/iris'), /Not a proper models:\/ URI/);
  assert.throws(() => parseModelsUri('models:/iris/Staging/x'), /only versions and aliases/);
});

describeEachDialect('SDK registry workflow against the server', (dialect) => {
  let server: { url: string; close(): Promise<void> };
  let client: MlflowClient;
  let work: string;
  before(async () => {
    server = await startTestServer(dialect);
    client = new MlflowClient(server.url);
    work = mkdtempSync(join(tmpdir(), 'mlflow-ts-sdk-reg-'));
  });
  after(async () => {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('registers, promotes and loads a model by alias and stage', async () => {
    const experimentId = await client.createExperiment('sdk-registry');
    const run = await client.createRun(experimentId);
    const runId = run.info.run_id;
    await client.logText(runId, 'flavors: {}\n', 'model/MLmodel');
    await client.logText(runId, 'weights-v1', 'model/weights.bin');

    const v1 = await client.registerModel(`runs:/${runId}/model`, 'sdk-iris');
    assert.equal(v1.version, '1');
    assert.equal(v1.run_id, runId);
    assert.equal(v1.source, `${run.info.artifact_uri}/model`);
    // A second registration reuses the model (RESOURCE_ALREADY_EXISTS is expected and ignored).
    const v2 = await client.registerModel(`runs:/${runId}/model`, 'sdk-iris');
    assert.equal(v2.version, '2');

    await client.setRegisteredModelAlias('sdk-iris', 'champion', 1);
    await client.transitionModelVersionStage('sdk-iris', 2, 'Production');
    assert.equal((await client.getModelVersionByAlias('sdk-iris', 'champion')).version, '1');
    const model = await client.getRegisteredModel('sdk-iris');
    assert.deepEqual(model.aliases, [{ alias: 'champion', version: '1' }]);

    assert.equal(
      await client.resolveArtifactUri('models:/sdk-iris@champion'),
      `${run.info.artifact_uri}/model`,
    );
    assert.equal(
      await client.resolveArtifactUri('models:/sdk-iris/2/weights.bin'),
      `${run.info.artifact_uri}/model/weights.bin`,
    );
    assert.equal((await client.modelVersionOf('models:/sdk-iris/production')).version, '2');
    assert.equal((await client.modelVersionOf('models:/sdk-iris/latest')).version, '2');

    const dir = await client.downloadArtifacts({ artifactUri: 'models:/sdk-iris@champion', dstPath: work });
    assert.equal(readFileSync(join(dir, 'weights.bin'), 'utf8'), 'weights-v1');

    const found = await client.searchModelVersions({ filterString: "name = 'sdk-iris'" });
    assert.deepEqual(
      found.items.map((v) => v.version),
      ['2', '1'],
    );
    const models = await client.searchRegisteredModels({ filterString: "name LIKE 'sdk-%'" });
    assert.deepEqual(
      models.items.map((m) => m.name),
      ['sdk-iris'],
    );
  });

  it('copies a version through a models:/ source and raises typed errors', async () => {
    await client.createRegisteredModel('sdk-copy', { description: 'copies', tags: { team: 'ml' } });
    const copy = await client.createModelVersion('sdk-copy', 'models:/sdk-iris/1');
    assert.equal(copy.source, 'models:/sdk-iris/1');
    const original = await client.getModelVersionDownloadUri('sdk-iris', 1);
    assert.equal(await client.getModelVersionDownloadUri('sdk-copy', copy.version), original);
    await assert.rejects(
      client.getModelVersionByAlias('sdk-copy', 'nope'),
      (err: unknown) => err instanceof MlflowApiError && err.errorCode === 'INVALID_PARAMETER_VALUE',
    );
    await client.deleteRegisteredModel('sdk-copy');
    await assert.rejects(
      client.getRegisteredModel('sdk-copy'),
      (err: unknown) => err instanceof MlflowApiError && err.errorCode === 'RESOURCE_DOES_NOT_EXIST',
    );
  });
});
