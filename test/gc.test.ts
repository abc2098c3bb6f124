// `mlflow-ts gc` on both databases with real artifact directories: deleted runs and experiments go for
// good with their files, nothing else is touched, dry runs change nothing, artifacts that cannot be
// removed keep their run, and registry retention rules retire old unprotected versions.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import {
  ArtifactLocations,
  GcService,
  openArtifactRepository,
  RETENTION_TAG,
  type SqlTrackingStore,
} from '@mlflow-ts/server';
import { rejectsWith as rejects } from './support/assertions.ts';
import { describeEachDialect } from './support/dialects.ts';
import { createTestStore, type TestStore } from './support/store.ts';

const DAY = 86_400_000;

describeEachDialect('gc', (dialect) => {
  let t: TestStore;
  let store: SqlTrackingStore;
  let dest: string;
  let clock = 1_700_000_000_000;
  let locations: ArtifactLocations;
  let gc: GcService;
  before(async () => {
    t = await createTestStore(dialect, () => clock);
    store = t.store;
    dest = mkdtempSync(join(tmpdir(), 'mlflow-ts-gc-'));
    locations = new ArtifactLocations(openArtifactRepository(dest, {}));
    gc = new GcService(store.purge, store.registry, locations, () => clock);
  });
  after(async () => {
    await locations.close();
    await t.close();
    rmSync(dest, { recursive: true, force: true });
  });

  /** A run with a metric, a param, a tag, a dataset input and one artifact file on disk. */
  async function seededRun(experimentId: string): Promise<{ runId: string; dir: string }> {
    const run = await store.createRun({
      experimentId,
      userId: 'u',
      startTime: clock,
      tags: [{ key: 't', value: 'v' }],
    });
    const runId = run.info.run_id;
    await store.logBatch(runId, {
      metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }],
      params: [{ key: 'p', value: 'x' }],
      tags: [],
    });
    await store.logInputs(runId, [
      {
        dataset: { name: 'd', digest: runId.slice(0, 8), source_type: 'local', source: '/data' },
        tags: [{ key: 'mlflow.data.context', value: 'train' }],
      },
    ]);
    // mlflow-artifacts:/<exp>/<run>/artifacts lives under the destination.
    const dir = join(dest, experimentId, runId, 'artifacts');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'model.txt'), 'weights');
    return { runId, dir };
  }

  it('removes deleted runs with their rows and files, and only those', async () => {
    const exp = await store.createExperiment({ name: 'gc-runs', tags: [] });
    const gone = await seededRun(exp);
    const kept = await seededRun(exp);
    await store.deleteRun(gone.runId);

    const dry = await gc.run({ dryRun: true });
    assert.deepEqual(dry.runs, [gone.runId]);
    assert.ok(existsSync(gone.dir));
    assert.equal((await store.getRun(gone.runId)).info.lifecycle_stage, 'deleted');

    const report = await gc.run({});
    assert.deepEqual(report.runs, [gone.runId]);
    assert.deepEqual(report.errors, []);
    await rejects(store.getRun(gone.runId), 'RESOURCE_DOES_NOT_EXIST');
    assert.equal(existsSync(gone.dir), false);
    assert.equal(await store.purge.runStages([gone.runId]).then((m) => m.size), 0);
    // The surviving run still has everything.
    const survivor = await store.getRun(kept.runId);
    assert.equal(survivor.data?.metrics?.length, 1);
    assert.equal(survivor.inputs?.dataset_inputs?.length, 1);
    assert.ok(existsSync(kept.dir));
  });

  it('honours --older-than and refuses runs that are not deleted', async () => {
    const exp = await store.createExperiment({ name: 'gc-age', tags: [] });
    const old = await seededRun(exp);
    await store.deleteRun(old.runId);
    clock += 10 * DAY;
    const recent = await seededRun(exp);
    await store.deleteRun(recent.runId);
    const report = await gc.run({ olderThanMs: 5 * DAY, runIds: [old.runId, recent.runId] });
    assert.deepEqual(report.runs, [old.runId]);
    assert.equal((await store.getRun(recent.runId)).info.lifecycle_stage, 'deleted');
    const active = await seededRun(exp);
    await rejects(
      gc.run({ runIds: [active.runId] }),
      'INVALID_PARAMETER_VALUE',
      /not in `deleted` lifecycle stage/,
    );
  });

  it('removes deleted experiments with all their runs, freeing the name', async () => {
    const exp = await store.createExperiment({ name: 'gc-exp', tags: [{ key: 'k', value: 'v' }] });
    const a = await seededRun(exp);
    const b = await seededRun(exp);
    await store.deleteExperiment(exp);
    await rejects(
      gc.run({ experimentIds: ['0'] }),
      'INVALID_PARAMETER_VALUE',
      /not in the deleted lifecycle stage/,
    );
    const report = await gc.run({ experimentIds: [exp] });
    assert.deepEqual(report.experiments, [exp]);
    assert.deepEqual([...report.runs].sort(), [a.runId, b.runId].sort());
    assert.equal(existsSync(join(dest, exp)), false);
    await rejects(store.getExperiment(exp), 'RESOURCE_DOES_NOT_EXIST');
    // SQLite may hand the freed id out again (as under Python MLflow): nothing of the old one shows through.
    const again = await store.createExperiment({ name: 'gc-exp', tags: [] });
    assert.equal((await store.getExperiment(again)).tags, undefined);
    const runs = await store.searchRuns({
      experimentIds: [again],
      filter: [],
      orderBy: [],
      viewType: 'ALL',
      maxResults: 10,
      offset: 0,
    });
    assert.equal(runs.items.length, 0);
  });

  it('keeps a run whose artifacts it cannot reach, and says why', async () => {
    const exp = await store.createExperiment({
      name: 'gc-elsewhere',
      artifactLocation: 's3://not-ours/x',
      tags: [],
    });
    const run = await store.createRun({ experimentId: exp, userId: 'u', startTime: clock, tags: [] });
    await store.deleteRun(run.info.run_id);
    const report = await gc.run({ runIds: [run.info.run_id] });
    assert.deepEqual(report.runs, []);
    assert.equal(report.errors.length, 1);
    assert.match(report.errors[0] ?? '', /s3:\/\/not-ours\/x/);
    assert.equal((await store.getRun(run.info.run_id)).info.lifecycle_stage, 'deleted');
  });

  it('sweeps what interrupted uploads left in staging once it is a day old', async () => {
    const staging = join(dest, '.mlflow-ts-staging');
    mkdirSync(join(staging, 'mpu-abandoned'), { recursive: true });
    writeFileSync(join(staging, 'crashed.part'), 'half a file');
    writeFileSync(join(staging, 'mpu-abandoned', '1'), 'part');
    // Just written: an upload that may still be running. (File times are real, so the clock is too.)
    clock = Date.now();
    assert.equal((await gc.run({})).abandonedUploads, 0);
    assert.ok(existsSync(join(staging, 'crashed.part')));
    clock += 25 * 3_600_000;
    const report = await gc.run({});
    assert.equal(report.abandonedUploads, 2);
    assert.equal(existsSync(join(staging, 'crashed.part')), false);
    assert.equal(existsSync(join(staging, 'mpu-abandoned')), false);
  });

  it('retires old versions by the retention rule, sparing aliases and Production', async () => {
    const r = store.registry;
    await r.createRegisteredModel({
      name: 'kept-few',
      description: '',
      tags: [{ key: RETENTION_TAG, value: '1' }],
    });
    for (let i = 0; i < 5; i++) {
      await r.createModelVersion({
        name: 'kept-few',
        source: `s3://b/${i}`,
        storageLocation: `s3://b/${i}`,
        runId: '',
        runLink: '',
        description: '',
        tags: [],
      });
    }
    await r.setAlias('kept-few', 'champion', 2);
    await r.transitionStage('kept-few', 3, 'Production', false);
    const dry = await gc.run({ dryRun: true });
    assert.deepEqual(dry.modelVersions, ['kept-few/4', 'kept-few/1']);
    assert.equal((await r.getModelVersion('kept-few', 4)).version, '4');
    const report = await gc.run({});
    assert.deepEqual(report.modelVersions, ['kept-few/4', 'kept-few/1']);
    const left = await r.searchModelVersions({
      filter: [{ type: 'attribute', key: 'name', comparator: '=', value: 'kept-few' }],
      orderBy: [{ type: 'attribute', key: 'version_number', ascending: true }],
      maxResults: 10,
      offset: 0,
      includePrompts: false,
    });
    assert.deepEqual(
      left.items.map((v) => v.version),
      ['2', '3', '5'],
    );
  });
});
