// The JSON-text searches (runs/search, experiments/search as the HTTP path serves them) against the
// object searches they must equal after JSON.parse, on data that exercises the wire encoding (spec §0):
// NaN and ±Infinity metrics (also stored unclamped, as another writer may leave them), null columns,
// escapes and non-ASCII text, runs without children, dataset inputs, paging, and both query plans.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Experiment, Run } from '@mlflow-ts/protocol';
import {
  openDatabase,
  openSqlTrackingStore,
  type SqlTrackingStore,
  TrackingService,
} from '@mlflow-ts/server';
import {
  parseExperimentFilter,
  parseExperimentOrderBy,
  parseRunFilter,
  parseRunOrderBy,
} from '../../packages/server/src/core/search/index.ts';
import { JsonText } from '../../packages/server/src/services/json-body.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { describeEachDialect } from '../support/dialects.ts';

const DOUBLE_MAX = 1.7976931348623157e308;
const AWKWARD = 'quote " backslash \\ newline \n tab \t bell \u0007 sep \u001e\u001f é 中 😀 </script>';

const parsed = (items: string[]) => items.map((text) => JSON.parse(text) as unknown);
const textOf = (result: unknown) => {
  assert.ok(result instanceof JsonText);
  return String(result.text);
};

describeEachDialect('JSON-text searches', (dialect) => {
  let db: TestDatabase;
  let store: SqlTrackingStore;
  let exp: string;
  const ids: Record<string, string> = {};

  before(async () => {
    db = await createTestDatabase(dialect);
    store = await openSqlTrackingStore(db.uri, { defaultArtifactRoot: 'mlflow-artifacts:/' });
    exp = await store.createExperiment({ name: `runs ${AWKWARD}`, tags: [{ key: AWKWARD, value: AWKWARD }] });
    const metric = (key: string, value: number, step = 0) => ({
      key,
      value,
      timestamp: 1_700_000_000_123,
      step,
    });
    for (let i = 0; i < 12; i++) {
      const run = await store.createRun({
        experimentId: exp,
        userId: i % 2 ? 'alice' : AWKWARD,
        runName: `run-${i}`,
        startTime: 1_700_000_000_000 + i,
        tags: [{ key: 'mlflow.source.name', value: `train-${i}.py` }],
      });
      ids[`r${i}`] = run.info.run_id;
      await store.logBatch(run.info.run_id, {
        metrics: [
          metric('loss', i % 3 === 0 ? Number.NaN : 1 / (i + 1)),
          metric('acc', i / 10, i),
          metric('big', 2 ** 60),
        ],
        params: [
          { key: 'lr', value: String(10 ** -i) },
          { key: 'text', value: AWKWARD },
        ],
        tags: [
          { key: 'team', value: i % 2 ? 'a' : 'b' },
          { key: AWKWARD, value: '' },
        ],
      });
    }
    // Clamped on write (spec §13.2), then unclamped and nulled behind the store's back.
    await store.logBatch(ids.r1!, {
      metrics: [metric('inf', Number.POSITIVE_INFINITY), metric('ninf', Number.NEGATIVE_INFINITY)],
      params: [],
      tags: [],
    });
    await store.logBatch(ids.r2!, { metrics: [metric('inf', 1), metric('ninf', 2)], params: [], tags: [] });
    const bare = await store.createRun({ experimentId: exp, userId: 'u', startTime: 5, tags: [] });
    ids.bare = bare.info.run_id;
    await store.updateRun(ids.r3!, { status: 'FINISHED', endTime: 1_700_000_999_999 });
    await store.logInputs(ids.r4!, [
      {
        dataset: {
          name: 'train',
          digest: 'd1',
          source_type: 'local',
          source: '{"uri": "/x"}',
          schema: '{"a":1}',
        },
        tags: [{ key: 'mlflow.data.context', value: 'training' }],
      },
      { dataset: { name: AWKWARD, digest: 'd2', source_type: 'http', source: 'u', profile: 'p' }, tags: [] },
    ]);
    await store.deleteRun(ids.r5!);

    const raw = openDatabase(db.uri);
    try {
      const w = raw.db;
      await w
        .updateTable('latest_metrics')
        .set({ value: Number.POSITIVE_INFINITY })
        .where('run_uuid', '=', ids.r2!)
        .where('key', '=', 'inf')
        .execute();
      await w
        .updateTable('latest_metrics')
        .set({ value: Number.NEGATIVE_INFINITY })
        .where('run_uuid', '=', ids.r2!)
        .where('key', '=', 'ninf')
        .execute();
      await w
        .updateTable('metrics')
        .set({ value: Number.NEGATIVE_INFINITY })
        .where('run_uuid', '=', ids.r2!)
        .where('key', '=', 'ninf')
        .execute();
      await w
        .updateTable('latest_metrics')
        .set({ timestamp: null })
        .where('run_uuid', '=', ids.r6!)
        .where('key', '=', 'big')
        .execute();
      await w
        .updateTable('tags')
        .set({ value: null })
        .where('run_uuid', '=', ids.r7!)
        .where('key', '=', 'team')
        .execute();
      await w
        .updateTable('runs')
        .set({ name: null, user_id: null, status: null, artifact_uri: null, start_time: null })
        .where('run_uuid', '=', ids.r8!)
        .execute();
      await w
        .updateTable('experiments')
        .set({ artifact_location: null, creation_time: null })
        .where('experiment_id', '=', Number(exp))
        .execute();
      await w
        .updateTable('experiment_tags')
        .set({ value: null })
        .where('experiment_id', '=', Number(exp))
        .execute();
    } finally {
      await raw.close();
    }
    for (let i = 0; i < 5; i++) {
      const id = await store.createExperiment({
        name: `e-${i}`,
        tags:
          i % 2
            ? []
            : [
                { key: 'b', value: `${i}` },
                { key: 'a', value: AWKWARD },
              ],
      });
      if (i === 3) await store.deleteExperiment(id);
    }
  });
  after(async () => {
    await store?.close();
    await db?.drop();
  });

  const runQuery = (
    filter: string,
    orderBy: string[],
    more: { maxResults?: number; offset?: number } = {},
  ) => ({
    experimentIds: [exp],
    filter: parseRunFilter(filter),
    orderBy: parseRunOrderBy(orderBy),
    viewType: 'ALL' as const,
    maxResults: more.maxResults ?? 100,
    offset: more.offset ?? 0,
  });

  it('gives the runs the object search gives, for both plans and every page', async () => {
    const cases: [string, string[], { maxResults?: number; offset?: number }?][] = [
      ['', []],
      ['', ['metrics.acc DESC']], // windowed plan
      ['', ['metrics.loss ASC'], { maxResults: 3, offset: 2 }],
      ['', ['metrics.inf DESC', 'params.lr ASC']],
      ["params.text LIKE 'quote%'", ['attributes.run_name ASC']],
      ["tags.team = 'a'", ['metrics.acc ASC'], { maxResults: 2, offset: 1 }],
      ["dataset.name = 'train'", []],
      ['metrics.acc > 0.3', ['attributes.start_time ASC'], { maxResults: 4 }],
      ["attributes.run_name = 'nope'", []],
    ];
    for (const [filter, orderBy, more] of cases) {
      const query = runQuery(filter, orderBy, more);
      const objects = (await store.searchRuns(query)).items;
      const texts = (await store.searchRunsJson(query)).items;
      assert.deepEqual(parsed(texts), objects, `${filter} ${orderBy.join(',')}`);
    }
  });

  it('encodes NaN and ±Infinity as strings, clamped values and int64 as numbers, nulls as MLflow does', async () => {
    const all = (await store.searchRunsJson(runQuery('', [], { maxResults: 100 }))).items;
    const runs = new Map((parsed(all) as Run[]).map((r) => [r.info.run_id, r]));
    const value = (id: string, key: string) => runs.get(ids[id]!)?.data.metrics?.find((m) => m.key === key);
    assert.equal(value('r0', 'loss')?.value, 'NaN');
    assert.equal(value('r1', 'inf')?.value, DOUBLE_MAX);
    assert.equal(value('r1', 'ninf')?.value, -DOUBLE_MAX);
    assert.equal(value('r2', 'inf')?.value, 'Infinity');
    assert.equal(value('r2', 'ninf')?.value, '-Infinity');
    assert.equal(value('r0', 'big')?.value, 2 ** 60);
    assert.equal(value('r6', 'big')?.timestamp, 0);
    assert.ok(!all.some((text) => /\bnull\b|Infinity[^"]|NaN[^"]/.test(text)));
    assert.deepEqual(runs.get(ids.bare!)?.data, {
      tags: [{ key: 'mlflow.runName', value: runs.get(ids.bare!)?.info.run_name }],
    });
    assert.equal(runs.get(ids.r7!)?.data.tags?.find((t) => t.key === 'team')?.value, '');
    const r8 = runs.get(ids.r8!)!.info;
    assert.deepEqual(Object.keys(r8), [
      'run_uuid',
      'experiment_id',
      'user_id',
      'status',
      'lifecycle_stage',
      'run_id',
    ]);
    assert.equal(r8.status, 'RUNNING');
    assert.equal(runs.get(ids.r3!)?.info.end_time, 1_700_000_999_999);
    assert.equal(runs.get(ids.r4!)?.inputs?.dataset_inputs?.length, 2);
    // The object path agrees, and so does the metric history's JSON path.
    const r2 = await store.getRun(ids.r2!);
    assert.equal(r2.data.metrics?.find((m) => m.key === 'inf')?.value, 'Infinity');
    const history = await store.getMetricHistoryPageJson(ids.r2!, 'ninf', 0, 10);
    assert.deepEqual(
      JSON.parse(history.json ?? '[]'),
      (await store.getMetricHistoryPage(ids.r2!, 'ninf', 0, 10)).items,
    );
    assert.equal(JSON.parse(history.json ?? '[]')[0].value, '-Infinity');
  });

  it('gives the experiments the object search gives, in every view, order and page', async () => {
    const cases: [string, string[], 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL', number, number][] = [
      ['', [], 'ACTIVE_ONLY', 1000, 0],
      ['', [], 'ALL', 2, 0],
      ['', [], 'ALL', 2, 4],
      ['', ['name DESC'], 'ACTIVE_ONLY', 3, 1],
      ['', ['creation_time ASC', 'name ASC'], 'ALL', 100, 0],
      ["tags.b = '2'", [], 'ALL', 10, 0],
      ["name LIKE 'e-%'", ['experiment_id DESC'], 'ALL', 10, 0],
      ['', [], 'DELETED_ONLY', 10, 0],
      ["name = 'none'", [], 'ALL', 10, 0],
    ];
    for (const [filter, orderBy, viewType, maxResults, offset] of cases) {
      const query = {
        viewType,
        filter: parseExperimentFilter(filter),
        orderBy: parseExperimentOrderBy(orderBy),
        maxResults,
        offset,
      };
      const objects = await store.searchExperiments(query);
      const texts = await store.searchExperimentsJson(query);
      const label = `${filter} ${orderBy.join(',')} ${viewType} ${maxResults}@${offset}`;
      assert.deepEqual(parsed(texts.items), objects.items, label);
      assert.equal(texts.nextOffset, objects.nextOffset, label);
    }
    const awkward = (
      await store.searchExperimentsJson({
        viewType: 'ALL',
        filter: parseExperimentFilter("name LIKE 'runs %'"),
        orderBy: [],
        maxResults: 10,
        offset: 0,
      })
    ).items;
    const e = JSON.parse(awkward[0] ?? 'null') as Experiment;
    assert.equal(e.artifact_location, '');
    assert.equal(e.creation_time, undefined);
    assert.deepEqual(e.tags, [{ key: AWKWARD, value: '' }]);
  });

  it('runs a repeated experiment search from its kept statement, seeing every write since', async () => {
    const names = async (filter: string) =>
      (
        await store.searchExperimentsJson({
          viewType: 'ALL',
          filter: parseExperimentFilter(filter),
          orderBy: parseExperimentOrderBy(['name ASC']),
          maxResults: 100,
          offset: 0,
        })
      ).items.map((text) => (JSON.parse(text) as Experiment).name);
    assert.deepEqual(await names("name LIKE 'kept-%'"), []);
    await store.createExperiment({ name: 'kept-1', tags: [] });
    assert.deepEqual(await names("name LIKE 'kept-%'"), ['kept-1']);
    await store.createExperiment({ name: 'kept-2', tags: [{ key: 'k', value: 'v' }] });
    assert.deepEqual(await names("name LIKE 'kept-%'"), ['kept-1', 'kept-2']);
    // Queries that differ only in a value are different statements' parameters, never one another's.
    assert.deepEqual(await names("name LIKE 'kept-%' AND creation_time > 0"), ['kept-1', 'kept-2']);
    assert.deepEqual(await names("name LIKE 'kept-%' AND creation_time > 99999999999999"), []);
    assert.deepEqual(await names("name LIKE 'kept-%' AND tags.k = 'v'"), ['kept-2']);
    assert.deepEqual(await names("name LIKE 'kept-%' AND tags.k = 'w'"), []);
  });

  it('answers with the envelope MLflow sends: lists left out when empty, a token per full page', async () => {
    const service = new TrackingService(store);
    const runs = JSON.parse(textOf(await service.searchRuns({ experiment_ids: [exp], max_results: 3 })));
    assert.deepEqual(Object.keys(runs), ['runs', 'next_page_token']);
    assert.equal(runs.runs.length, 3);
    const rest = JSON.parse(
      textOf(
        await service.searchRuns({
          experiment_ids: [exp],
          max_results: 100,
          page_token: runs.next_page_token,
        }),
      ),
    );
    assert.equal(rest.next_page_token, undefined);
    const active = await store.searchRuns({ ...runQuery('', []), viewType: 'ACTIVE_ONLY' });
    assert.equal(rest.runs.length, active.items.length - 3);
    assert.equal(textOf(await service.searchRuns({ experiment_ids: ['424242'] })), '{}');
    const exps = JSON.parse(textOf(await service.searchExperiments({ max_results: 2, view_type: 'ALL' })));
    assert.deepEqual(Object.keys(exps), ['experiments', 'next_page_token']);
    assert.equal(textOf(await service.searchExperiments({ filter: "name = 'none'" })), '{}');
  });
});
