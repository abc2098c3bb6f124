// Model registry rules over HTTP (spec §1.4, §3.1, §3.4, §13), on SQLite and PostgreSQL: what the
// recordings in registry.jsonl/errors.jsonl touch once or not at all — source checks, models:/ sources,
// alias and stage rules, prompt exclusion, paging limits, the legacy prefix, and that refused requests
// write nothing.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestApp, type TestApp } from './support/app.ts';
import { availableDialects } from './support/dialects.ts';
import { type Client, client } from './support/replay-http.ts';

for (const dialect of availableDialects()) {
  describe(`registry over HTTP [${dialect}]`, () => {
    let t: TestApp;
    let c: Client;
    let localRoot: string;
    before(async () => {
      t = await createTestApp(dialect);
      c = client(t.app);
      localRoot = mkdtempSync(join(tmpdir(), 'mlflow-ts-reg-'));
    });
    after(async () => {
      await t.close();
      rmSync(localRoot, { recursive: true, force: true });
    });

    const call = (method: string, path: string, body?: unknown) =>
      c.call(method, `/api/2.0/mlflow${path}`, body === undefined ? {} : { body });
    const expectError = async (
      p: Promise<{ status: number; json: unknown }>,
      status: number,
      code: string,
      message?: RegExp,
    ) => {
      const r = await p;
      assert.equal(r.status, status, JSON.stringify(r.json));
      const body = r.json as { error_code: string; message: string };
      assert.equal(body.error_code, code);
      if (message) assert.match(body.message, message);
    };
    const versionCount = async (name: string) =>
      (
        (await c.okGet(`/model-versions/search?filter=${encodeURIComponent(`name = '${name}'`)}`))
          .model_versions ?? []
      ).length;

    it('checks local sources against the run artifact directory', async () => {
      const { experiment_id } = await c.ok('/experiments/create', {
        name: 'local-art',
        artifact_location: localRoot,
      });
      const { run } = await c.ok('/runs/create', { experiment_id });
      const runId = run.info.run_id as string;
      await c.ok('/registered-models/create', { name: 'local-model' });
      const inside = `${run.info.artifact_uri}/model`;
      const ok = await c.ok('/model-versions/create', { name: 'local-model', source: inside, run_id: runId });
      assert.equal(ok.model_version.source, inside);
      for (const source of [
        '/etc/passwd',
        `${run.info.artifact_uri}/../../etc`,
        `file://${localRoot}-other/x`,
      ]) {
        await expectError(
          call('POST', '/model-versions/create', { name: 'local-model', source, run_id: runId }),
          400,
          'INVALID_PARAMETER_VALUE',
          /Invalid model version source/,
        );
      }
      await expectError(
        call('POST', '/model-versions/create', { name: 'local-model', source: inside }),
        400,
        'INVALID_PARAMETER_VALUE',
        /run_id request parameter has to be specified/,
      );
      assert.equal(await versionCount('local-model'), 1);
    });

    it('refuses remote sources that climb out of what they name', async () => {
      await c.ok('/registered-models/create', { name: 'remote-model' });
      for (const source of [
        's3://b/models/../secrets',
        'mlflow-artifacts:/1/%2E%2E/x',
        'http://h/a/%252e%252e/b',
      ]) {
        await expectError(
          call('POST', '/model-versions/create', { name: 'remote-model', source }),
          400,
          'INVALID_PARAMETER_VALUE',
        );
      }
      assert.equal(await versionCount('remote-model'), 0);
    });

    it('stores a models:/ source with the location it resolves to', async () => {
      await c.ok('/registered-models/create', { name: 'base' });
      await c.ok('/model-versions/create', { name: 'base', source: 's3://bucket/base/v1' });
      await c.ok('/registered-models/alias', { name: 'base', alias: 'champion', version: '1' });
      await c.ok('/registered-models/create', { name: 'copy' });
      for (const source of [
        'models:/base/1',
        'models:/base@champion',
        'models:/base/latest',
        'models:/base/None',
      ]) {
        const { model_version } = await c.ok('/model-versions/create', { name: 'copy', source });
        assert.equal(model_version.source, source);
        const uri = await c.okGet(
          `/model-versions/get-download-uri?name=copy&version=${model_version.version}`,
        );
        assert.equal(uri.artifact_uri, 's3://bucket/base/v1');
      }
      await expectError(
        call('POST', '/model-versions/create', { name: 'copy', source: 'models:/base/Production' }),
        404,
        'RESOURCE_DOES_NOT_EXIST',
      );
      await expectError(
        call('POST', '/model-versions/create', { name: 'copy', source: 'models:/base@nope' }),
        400,
        'INVALID_PARAMETER_VALUE',
      );
    });

    it('applies the alias, stage and tag rules', async () => {
      await c.ok('/registered-models/create', { name: 'rules' });
      await c.ok('/model-versions/create', { name: 'rules', source: 's3://b/rules' });
      await expectError(
        call('POST', '/registered-models/alias', { name: 'rules', alias: 'LATEST', version: '1' }),
        400,
        'INVALID_PARAMETER_VALUE',
        /'latest' alias name \(case insensitive\) is reserved/,
      );
      await expectError(
        call('POST', '/registered-models/alias', { name: 'rules', alias: 'a'.repeat(256), version: '1' }),
        400,
        'INVALID_PARAMETER_VALUE',
      );
      await expectError(
        call('POST', '/registered-models/alias', { name: 'rules', alias: 'ok', version: 'one' }),
        400,
        'INVALID_PARAMETER_VALUE',
        /Model version must be an integer, got 'one'/,
      );
      // MLflow answers 500 here (which its client retries); we answer 400 (trap 26).
      await expectError(
        call('POST', '/model-versions/transition-stage', {
          name: 'rules',
          version: '1',
          stage: 'archived',
          archive_existing_versions: true,
        }),
        400,
        'INVALID_PARAMETER_VALUE',
        /not an Active stage/,
      );
      await expectError(
        call('POST', '/model-versions/set-tag', { name: 'rules', version: '1', key: '../x', value: 'v' }),
        400,
        'INVALID_PARAMETER_VALUE',
      );
      await expectError(
        call('POST', '/model-versions/set-tag', { name: 'rules', version: '1', key: 'k' }),
        400,
        'INVALID_PARAMETER_VALUE',
        /'value'/,
      );
      await expectError(
        call('POST', '/model-versions/create', {
          name: 'rules',
          source: 's3://b/rules',
          tags: [{ key: 'big', value: 'x'.repeat(5001) }],
        }),
        400,
        'INVALID_PARAMETER_VALUE',
        /Model version value 'x+' had length 5001/,
      );
      assert.equal(await versionCount('rules'), 1);
      await expectError(
        call('POST', '/registered-models/create', { name: 'n'.repeat(257) }),
        400,
        'INVALID_PARAMETER_VALUE',
      );
    });

    it('hides prompts unless the filter asks for them (trap 20)', async () => {
      await c.ok('/registered-models/create', { name: 'pr-model' });
      await c.ok('/registered-models/create', {
        name: 'pr-prompt',
        tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }],
      });
      const search = async (filter: string) =>
        (
          (await c.okGet(`/registered-models/search?filter=${encodeURIComponent(filter)}`))
            .registered_models ?? []
        ).map((m: { name: string }) => m.name);
      assert.deepEqual(await search("name LIKE 'pr-%' AND tag.`mlflow.prompt.is_prompt` != 'true'"), [
        'pr-model',
      ]);
      assert.deepEqual(await search("name LIKE 'pr-%'"), ['pr-model']);
      assert.deepEqual(await search("tag.`mlflow.prompt.is_prompt` = 'true'"), ['pr-prompt']);
    });

    it('bounds max_results and pages with MLflow tokens', async () => {
      await expectError(
        c.get('/registered-models/search?max_results=1001'),
        400,
        'INVALID_PARAMETER_VALUE',
        /at most 1000/,
      );
      await expectError(c.get('/model-versions/search?max_results=0'), 400, 'INVALID_PARAMETER_VALUE');
      for (const n of ['pg-1', 'pg-2', 'pg-3']) await c.ok('/registered-models/create', { name: n });
      const filter = encodeURIComponent("name LIKE 'pg-%'");
      const first = await c.okGet(`/registered-models/search?filter=${filter}&max_results=2`);
      assert.deepEqual(
        first.registered_models.map((m: { name: string }) => m.name),
        ['pg-1', 'pg-2'],
      );
      assert.equal(first.next_page_token, Buffer.from('{"offset": 2}').toString('base64'));
      const second = await c.okGet(
        `/registered-models/search?filter=${filter}&max_results=2&page_token=${encodeURIComponent(first.next_page_token)}`,
      );
      assert.deepEqual(
        second.registered_models.map((m: { name: string }) => m.name),
        ['pg-3'],
      );
      assert.equal(second.next_page_token, undefined);
    });

    it('answers under the ajax and the 1.x preview prefixes', async () => {
      await c.ok('/registered-models/create', { name: 'prefixed' });
      for (const prefix of ['/ajax-api/2.0/mlflow', '/api/2.0/preview/mlflow']) {
        const r = await c.call('GET', `${prefix}/registered-models/get?name=prefixed`);
        assert.equal(r.status, 200);
        assert.equal(r.json.registered_model.name, 'prefixed');
      }
      // Aliases came after the preview prefix was retired.
      const r = await c.call('GET', '/api/2.0/preview/mlflow/registered-models/alias?name=prefixed&alias=a');
      assert.equal(r.status, 404);
    });
  });
}
