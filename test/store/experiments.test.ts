import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { rejectsWith as rejects } from '../support/assertions.ts';
import { describeEachDialect } from '../support/dialects.ts';
import { createTestStore, type TestStore } from '../support/store.ts';

describeEachDialect('experiment store', (dialect) => {
  let t: TestStore;
  let clock = 1_700_000_000_000;
  before(async () => {
    t = await createTestStore(dialect, () => clock++);
  });
  after(() => t.close());

  it('has the Default experiment 0 on a new database', async () => {
    const e = await t.store.getExperiment('0');
    assert.equal(e.name, 'Default');
    assert.equal(e.artifact_location, 'mlflow-artifacts:/0');
    assert.equal(e.lifecycle_stage, 'active');
  });

  it('creates with integer ids, default artifact location and tags', async () => {
    const id = await t.store.createExperiment({ name: 'exp-a', tags: [{ key: 'team', value: 'ml' }] });
    assert.match(id, /^[1-9]\d*$/);
    const e = await t.store.getExperiment(id);
    assert.equal(e.artifact_location, `mlflow-artifacts:/${id}`);
    assert.deepEqual(e.tags, [{ key: 'team', value: 'ml' }]);
    assert.equal(typeof e.creation_time, 'number');
    const explicit = await t.store.createExperiment({
      name: 'exp-loc',
      artifactLocation: 's3://b/x',
      tags: [],
    });
    assert.equal((await t.store.getExperiment(explicit)).artifact_location, 's3://b/x');
  });

  it('refuses duplicate names, also of deleted experiments', async () => {
    await rejects(t.store.createExperiment({ name: 'exp-a', tags: [] }), 'RESOURCE_ALREADY_EXISTS');
    const id = await t.store.createExperiment({ name: 'to-delete', tags: [] });
    await t.store.deleteExperiment(id);
    await rejects(t.store.createExperiment({ name: 'to-delete', tags: [] }), 'RESOURCE_ALREADY_EXISTS');
  });

  it('answers RESOURCE_DOES_NOT_EXIST for unknown and non-numeric ids', async () => {
    await rejects(t.store.getExperiment('999999'), 'RESOURCE_DOES_NOT_EXIST', /No Experiment with id=999999/);
    await rejects(t.store.getExperiment('abc'), 'RESOURCE_DOES_NOT_EXIST');
    assert.equal(await t.store.getExperimentByName('nope'), undefined);
  });

  it('deletes and restores with their runs', async () => {
    const id = await t.store.createExperiment({ name: 'cascade', tags: [] });
    const run = await t.store.createRun({ experimentId: id, userId: 'u', startTime: 1, tags: [] });
    await t.store.deleteExperiment(id);
    assert.equal((await t.store.getExperiment(id)).lifecycle_stage, 'deleted');
    assert.equal((await t.store.getRun(run.info.run_id)).info.lifecycle_stage, 'deleted');
    await rejects(t.store.deleteExperiment(id), 'RESOURCE_DOES_NOT_EXIST');
    await t.store.restoreExperiment(id);
    assert.equal((await t.store.getRun(run.info.run_id)).info.lifecycle_stage, 'active');
    await rejects(t.store.restoreExperiment(id), 'RESOURCE_DOES_NOT_EXIST');
  });

  it('renames only active experiments, to free names', async () => {
    const id = await t.store.createExperiment({ name: 'old-name', tags: [] });
    await t.store.renameExperiment(id, 'new-name');
    assert.equal((await t.store.getExperiment(id)).name, 'new-name');
    await rejects(t.store.renameExperiment(id, 'exp-a'), 'RESOURCE_ALREADY_EXISTS');
    await t.store.deleteExperiment(id);
    await rejects(t.store.renameExperiment(id, 'x'), 'INVALID_PARAMETER_VALUE');
  });

  it('upserts and deletes tags, only on active experiments', async () => {
    const id = await t.store.createExperiment({ name: 'tagged', tags: [] });
    await t.store.setExperimentTag(id, 'k', 'v1');
    await t.store.setExperimentTag(id, 'k', 'v2');
    assert.deepEqual((await t.store.getExperiment(id)).tags, [{ key: 'k', value: 'v2' }]);
    await t.store.deleteExperimentTag(id, 'k');
    assert.equal((await t.store.getExperiment(id)).tags, undefined);
    await rejects(t.store.deleteExperimentTag(id, 'k'), 'RESOURCE_DOES_NOT_EXIST');
    await t.store.deleteExperiment(id);
    await rejects(
      t.store.setExperimentTag(id, 'k', 'v'),
      'INVALID_PARAMETER_VALUE',
      /must be in the 'active' state/,
    );
  });

  it('searches with filters, ordering, view types and pages', async () => {
    for (const name of ['srch-b', 'srch-a', 'srch-c']) {
      const id = await t.store.createExperiment({ name, tags: [{ key: 'kind', value: name.slice(-1) }] });
      if (name === 'srch-c') await t.store.deleteExperiment(id);
    }
    const names = async (q: Partial<Parameters<typeof t.store.searchExperiments>[0]>) =>
      (
        await t.store.searchExperiments({
          viewType: 'ACTIVE_ONLY',
          filter: [],
          orderBy: [],
          maxResults: 100,
          offset: 0,
          ...q,
        })
      ).items.map((e) => e.name);
    const like = { type: 'attribute', key: 'name', comparator: 'LIKE', value: 'srch-%' } as const;
    assert.deepEqual(await names({ filter: [like] }), ['srch-a', 'srch-b']);
    assert.deepEqual(await names({ filter: [like], viewType: 'ALL' }), ['srch-c', 'srch-a', 'srch-b']);
    assert.deepEqual(await names({ filter: [like], viewType: 'DELETED_ONLY' }), ['srch-c']);
    assert.deepEqual(
      await names({ filter: [like], orderBy: [{ type: 'attribute', key: 'name', ascending: true }] }),
      ['srch-a', 'srch-b'],
    );
    // LIKE is case-sensitive, ILIKE is not (spec §4.0).
    assert.deepEqual(await names({ filter: [{ ...like, value: 'SRCH-%' }] }), []);
    assert.deepEqual(await names({ filter: [{ ...like, comparator: 'ILIKE', value: 'SRCH-%' }] }), [
      'srch-a',
      'srch-b',
    ]);
    assert.deepEqual(await names({ filter: [{ type: 'tag', key: 'kind', comparator: '=', value: 'b' }] }), [
      'srch-b',
    ]);
    const page1 = await t.store.searchExperiments({
      viewType: 'ACTIVE_ONLY',
      filter: [like],
      orderBy: [],
      maxResults: 1,
      offset: 0,
    });
    assert.equal(page1.items.length, 1);
    assert.equal(page1.nextOffset, 1);
    const page2 = await t.store.searchExperiments({
      viewType: 'ACTIVE_ONLY',
      filter: [like],
      orderBy: [],
      maxResults: 1,
      offset: 1,
    });
    assert.equal(page2.nextOffset, undefined, 'no token when no more rows (spec §3.2)');
  });
});
