import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { SqlRegistryStore } from '@mlflow-ts/server';
import { rejectsWith as rejects } from '../support/assertions.ts';
import { describeEachDialect } from '../support/dialects.ts';
import { createTestStore, type TestStore } from '../support/store.ts';

const search = { filter: [], orderBy: [], maxResults: 100, offset: 0, includePrompts: false };

describeEachDialect('registry store', (dialect) => {
  let t: TestStore;
  let r: SqlRegistryStore;
  let clock = 1_700_000_000_000;
  before(async () => {
    t = await createTestStore(dialect, () => clock++);
    r = t.store.registry;
  });
  after(() => t.close());

  const version = (
    name: string,
    extra: Partial<Parameters<SqlRegistryStore['createModelVersion']>[0]> = {},
  ) =>
    r.createModelVersion({
      name,
      source: `s3://bucket/${name}`,
      storageLocation: `s3://bucket/${name}`,
      runId: '',
      runLink: '',
      description: '',
      tags: [],
      ...extra,
    });

  it('creates a model with tags and description, and refuses a duplicate name', async () => {
    const m = await r.createRegisteredModel({
      name: 'iris',
      description: 'flowers',
      tags: [
        { key: 'team', value: 'ml' },
        { key: 'domain', value: 'bio' },
      ],
    });
    assert.equal(m.name, 'iris');
    assert.equal(m.description, 'flowers');
    assert.deepEqual(m.tags, [
      { key: 'domain', value: 'bio' },
      { key: 'team', value: 'ml' },
    ]);
    assert.equal(m.creation_timestamp, m.last_updated_timestamp);
    await rejects(
      r.createRegisteredModel({ name: 'iris', description: '', tags: [] }),
      'RESOURCE_ALREADY_EXISTS',
      /Registered Model \(name=iris\) already exists/,
    );
    // The failed create left nothing behind and did not change the first one.
    assert.equal((await r.getRegisteredModel('iris')).description, 'flowers');
  });

  it('numbers versions from 1, never reusing a deleted number', async () => {
    await r.createRegisteredModel({ name: 'nums', description: '', tags: [] });
    const v1 = await version('nums', { tags: [{ key: 'k', value: 'v' }], runId: 'abc', description: 'd' });
    assert.equal(v1.version, '1');
    assert.equal(v1.current_stage, 'None');
    assert.equal(v1.status, 'READY');
    assert.equal(v1.run_id, 'abc');
    assert.deepEqual(v1.tags, [{ key: 'k', value: 'v' }]);
    assert.equal((await version('nums')).version, '2');
    await r.deleteModelVersion('nums', 2);
    await rejects(r.getModelVersion('nums', 2), 'RESOURCE_DOES_NOT_EXIST', /name=nums, version=2/);
    assert.equal((await version('nums')).version, '3');
    await rejects(
      version('no-such-model'),
      'RESOURCE_DOES_NOT_EXIST',
      /Registered Model with name=no-such-model/,
    );
  });

  it('gives concurrent version creates distinct numbers', async () => {
    await r.createRegisteredModel({ name: 'race', description: '', tags: [] });
    const created = await Promise.all(Array.from({ length: 12 }, () => version('race')));
    const numbers = created.map((v) => Number(v.version)).sort((a, b) => a - b);
    assert.deepEqual(
      numbers,
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
  });

  it('lists the latest version per stage and archives existing ones on request', async () => {
    await r.createRegisteredModel({ name: 'stages', description: '', tags: [] });
    for (let i = 0; i < 4; i++) await version('stages');
    await r.transitionStage('stages', 1, 'Production', false);
    await r.transitionStage('stages', 2, 'Staging', false);
    let latest = await r.getLatestVersions('stages', []);
    assert.deepEqual(
      latest.map((v) => [v.version, v.current_stage]),
      [
        ['1', 'Production'],
        ['2', 'Staging'],
        ['4', 'None'],
      ],
    );
    const v3 = await r.transitionStage('stages', 3, 'Production', true);
    assert.equal(v3.current_stage, 'Production');
    assert.equal((await r.getModelVersion('stages', 1)).current_stage, 'Archived');
    latest = await r.getLatestVersions('stages', ['Production', 'Archived']);
    assert.deepEqual(
      latest.map((v) => [v.version, v.current_stage]),
      [
        ['1', 'Archived'],
        ['3', 'Production'],
      ],
    );
    const model = await r.getRegisteredModel('stages');
    assert.equal(model.latest_versions?.length, 4);
    assert.equal(model.last_updated_timestamp, v3.last_updated_timestamp);
  });

  it('moves aliases, lists them on the model and the version, and drops them with the version', async () => {
    await r.createRegisteredModel({ name: 'aliased', description: '', tags: [] });
    await version('aliased');
    await version('aliased');
    await r.setAlias('aliased', 'champion', 1);
    await r.setAlias('aliased', 'champion', 2);
    await r.setAlias('aliased', 'Shadow', 1);
    assert.deepEqual((await r.getRegisteredModel('aliased')).aliases, [
      { alias: 'Shadow', version: '1' },
      { alias: 'champion', version: '2' },
    ]);
    const byAlias = await r.getModelVersionByAlias('aliased', 'champion');
    assert.equal(byAlias.version, '2');
    assert.deepEqual(byAlias.aliases, ['champion']);
    await rejects(r.setAlias('aliased', 'x', 9), 'RESOURCE_DOES_NOT_EXIST');
    await rejects(
      r.getModelVersionByAlias('aliased', 'nope'),
      'INVALID_PARAMETER_VALUE',
      /alias nope not found/,
    );
    await r.deleteModelVersion('aliased', 2);
    await rejects(r.getModelVersionByAlias('aliased', 'champion'), 'INVALID_PARAMETER_VALUE');
    await r.deleteAlias('aliased', 'Shadow');
    await r.deleteAlias('aliased', 'Shadow');
    assert.equal((await r.getRegisteredModel('aliased')).aliases, undefined);
  });

  it('renames a model with its versions, tags and aliases', async () => {
    await r.createRegisteredModel({ name: 'old-name', description: '', tags: [{ key: 't', value: '1' }] });
    await version('old-name', { tags: [{ key: 'vt', value: 'x' }] });
    await r.setAlias('old-name', 'prod', 1);
    const renamed = await r.renameRegisteredModel('old-name', 'new-name');
    assert.equal(renamed.name, 'new-name');
    assert.deepEqual(renamed.tags, [{ key: 't', value: '1' }]);
    assert.deepEqual(renamed.aliases, [{ alias: 'prod', version: '1' }]);
    const v = await r.getModelVersion('new-name', 1);
    assert.deepEqual(v.tags, [{ key: 'vt', value: 'x' }]);
    await rejects(r.getRegisteredModel('old-name'), 'RESOURCE_DOES_NOT_EXIST');
    await rejects(r.renameRegisteredModel('new-name', 'iris'), 'RESOURCE_ALREADY_EXISTS');
    assert.equal((await r.getRegisteredModel('new-name')).name, 'new-name');
  });

  it('deletes a model with everything it owns', async () => {
    await r.createRegisteredModel({ name: 'doomed', description: '', tags: [{ key: 'a', value: 'b' }] });
    await version('doomed', { tags: [{ key: 'x', value: 'y' }] });
    await r.setAlias('doomed', 'a1', 1);
    await r.deleteRegisteredModel('doomed');
    await rejects(r.getRegisteredModel('doomed'), 'RESOURCE_DOES_NOT_EXIST');
    // The name is free again, and nothing of the old model shows through.
    const again = await r.createRegisteredModel({ name: 'doomed', description: '', tags: [] });
    assert.equal(again.tags, undefined);
    assert.equal((await version('doomed')).version, '1');
    await rejects(r.deleteRegisteredModel('never-was'), 'RESOURCE_DOES_NOT_EXIST');
  });

  it('sets and deletes tags on models and versions', async () => {
    await r.createRegisteredModel({ name: 'tagged', description: '', tags: [] });
    await version('tagged');
    await r.setRegisteredModelTag('tagged', 'stage', 'beta');
    await r.setRegisteredModelTag('tagged', 'stage', 'ga');
    await r.setModelVersionTag('tagged', 1, 'validated', 'true');
    assert.deepEqual((await r.getRegisteredModel('tagged')).tags, [{ key: 'stage', value: 'ga' }]);
    assert.deepEqual((await r.getModelVersion('tagged', 1)).tags, [{ key: 'validated', value: 'true' }]);
    await r.deleteRegisteredModelTag('tagged', 'stage');
    await r.deleteRegisteredModelTag('tagged', 'stage');
    await r.deleteModelVersionTag('tagged', 1, 'validated');
    assert.equal((await r.getRegisteredModel('tagged')).tags, undefined);
    assert.equal((await r.getModelVersion('tagged', 1)).tags, undefined);
    await rejects(r.setModelVersionTag('tagged', 7, 'k', 'v'), 'RESOURCE_DOES_NOT_EXIST');
  });

  it('searches models by name and tag, hides prompts, and pages', async () => {
    await r.createRegisteredModel({ name: 'srch-a', description: '', tags: [{ key: 'team', value: 'red' }] });
    await r.createRegisteredModel({
      name: 'srch-b',
      description: '',
      tags: [{ key: 'team', value: 'blue' }],
    });
    await r.createRegisteredModel({
      name: 'srch-prompt',
      description: '',
      tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }],
    });
    const like = await r.searchRegisteredModels({
      ...search,
      filter: [{ type: 'attribute', key: 'name', comparator: 'LIKE', value: 'srch-%' }],
    });
    assert.deepEqual(
      like.items.map((m) => m.name),
      ['srch-a', 'srch-b'],
    );
    const byTag = await r.searchRegisteredModels({
      ...search,
      filter: [{ type: 'tag', key: 'team', comparator: '=', value: 'blue' }],
    });
    assert.deepEqual(
      byTag.items.map((m) => m.name),
      ['srch-b'],
    );
    const prompts = await r.searchRegisteredModels({
      ...search,
      filter: [{ type: 'tag', key: 'mlflow.prompt.is_prompt', comparator: '=', value: 'true' }],
      includePrompts: true,
    });
    assert.deepEqual(
      prompts.items.map((m) => m.name),
      ['srch-prompt'],
    );
    const page1 = await r.searchRegisteredModels({
      ...search,
      filter: [{ type: 'attribute', key: 'name', comparator: 'LIKE', value: 'srch-%' }],
      orderBy: [{ type: 'attribute', key: 'name', ascending: false }],
      maxResults: 1,
    });
    assert.deepEqual(
      page1.items.map((m) => m.name),
      ['srch-b'],
    );
    assert.equal(page1.nextOffset, 1);
    const page2 = await r.searchRegisteredModels({
      ...search,
      filter: [{ type: 'attribute', key: 'name', comparator: 'LIKE', value: 'srch-%' }],
      orderBy: [{ type: 'attribute', key: 'name', ascending: false }],
      maxResults: 1,
      offset: 1,
    });
    assert.deepEqual(
      page2.items.map((m) => m.name),
      ['srch-a'],
    );
    assert.equal(page2.nextOffset, undefined);
  });

  it('searches versions by run id list, number and tag, without deleted ones', async () => {
    await r.createRegisteredModel({ name: 'mvs', description: '', tags: [] });
    await version('mvs', { runId: 'run1' });
    await version('mvs', { runId: 'run2', tags: [{ key: 'k', value: 'v' }] });
    await version('mvs', { runId: 'run3' });
    await r.deleteModelVersion('mvs', 3);
    const mvs = { type: 'attribute', key: 'name', comparator: '=', value: 'mvs' } as const;
    const all = await r.searchModelVersions({ ...search, filter: [mvs] });
    assert.deepEqual(
      all.items.map((v) => v.version),
      ['2', '1'],
    );
    const inList = await r.searchModelVersions({
      ...search,
      filter: [mvs, { type: 'attribute', key: 'run_id', comparator: 'IN', value: ['run1', 'run3'] }],
    });
    assert.deepEqual(
      inList.items.map((v) => v.version),
      ['1'],
    );
    const numbered = await r.searchModelVersions({
      ...search,
      filter: [mvs, { type: 'attribute', key: 'version_number', comparator: '>', value: 1 }],
    });
    assert.deepEqual(
      numbered.items.map((v) => v.version),
      ['2'],
    );
    const tagged = await r.searchModelVersions({
      ...search,
      filter: [mvs, { type: 'tag', key: 'k', comparator: '=', value: 'v' }],
    });
    assert.deepEqual(
      tagged.items.map((v) => [v.name, v.version, v.tags]),
      [['mvs', '2', [{ key: 'k', value: 'v' }]]],
    );
    // Searches list no aliases, as MLflow's SQL store (spec §1.4).
    await r.setAlias('mvs', 'best', 2);
    const withAlias = await r.searchModelVersions({ ...search, filter: [mvs] });
    assert.equal(withAlias.items[0]?.aliases, undefined);
  });

  it('gives the storage location as download URI', async () => {
    await r.createRegisteredModel({ name: 'dl', description: '', tags: [] });
    await version('dl', { source: 'models:/other/1', storageLocation: 's3://bucket/real' });
    assert.equal(await r.getModelVersionDownloadUri('dl', 1), 's3://bucket/real');
    assert.equal((await r.getModelVersion('dl', 1)).source, 'models:/other/1');
  });
});
