import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Run } from '@mlflow-ts/protocol';
import { parseRunFilter, parseRunOrderBy } from '../../packages/server/src/core/search/index.ts';
import { describeEachDialect } from '../support/dialects.ts';
import { createTestStore, type TestStore } from '../support/store.ts';

describeEachDialect('runs search', (dialect) => {
  let t: TestStore;
  let exp: string;
  let exp2: string;
  const ids: Record<string, string> = {};
  before(async () => {
    t = await createTestStore(dialect);
    exp = await t.store.createExperiment({ name: 'search', tags: [] });
    exp2 = await t.store.createExperiment({ name: 'search-2', tags: [] });
    const seed: [string, number, number | undefined, string, string][] = [
      // name, start_time, acc (undefined = not logged), param model, tag team
      ['r1', 1000, 0.9, 'lr', 'ml-core'],
      ['r2', 2000, 0.5, 'rf', 'ml-vision'],
      ['r3', 3000, Number.NaN, 'lr', 'data'],
      ['r4', 4000, undefined, 'LR', 'ML-x'],
    ];
    for (const [name, start, acc, model, team] of seed) {
      const run = await t.store.createRun({
        experimentId: exp,
        userId: 'u',
        runName: name,
        startTime: start,
        tags: [],
      });
      ids[name] = run.info.run_id;
      await t.store.logBatch(run.info.run_id, {
        metrics: acc === undefined ? [] : [{ key: 'acc', value: acc, timestamp: 1, step: 0 }],
        params: [{ key: 'model', value: model }],
        tags: [{ key: 'team', value: team }],
      });
    }
    const other = await t.store.createRun({
      experimentId: exp2,
      userId: 'u',
      runName: 'r5',
      startTime: 5000,
      tags: [],
    });
    ids.r5 = other.info.run_id;
    await t.store.updateRun(ids.r2!, { status: 'FINISHED' });
    await t.store.deleteRun(ids.r1!);
  });
  after(() => t.close());

  const search = async (
    filter: string,
    orderBy: string[] = [],
    extra: Partial<{
      viewType: 'ALL' | 'ACTIVE_ONLY' | 'DELETED_ONLY';
      experimentIds: string[];
      maxResults: number;
      offset: number;
    }> = {},
  ) => {
    const page = await t.store.searchRuns({
      experimentIds: [exp],
      filter: parseRunFilter(filter),
      orderBy: parseRunOrderBy(orderBy),
      viewType: 'ALL',
      maxResults: 100,
      offset: 0,
      ...extra,
    });
    return page.items.map((r: Run) => r.info.run_name);
  };

  it('orders by start_time DESC by default and honours view types', async () => {
    assert.deepEqual(await search(''), ['r4', 'r3', 'r2', 'r1']);
    assert.deepEqual(await search('', [], { viewType: 'ACTIVE_ONLY' }), ['r4', 'r3', 'r2']);
    assert.deepEqual(await search('', [], { viewType: 'DELETED_ONLY' }), ['r1']);
    assert.deepEqual(await search('', [], { experimentIds: [exp, exp2] }), ['r5', 'r4', 'r3', 'r2', 'r1']);
  });

  it('filters on metrics, params, tags and attributes', async () => {
    assert.deepEqual(await search('metrics.acc > 0.6'), ['r1']);
    assert.deepEqual(await search('metrics.acc != 0.9'), ['r3', 'r2'], 'NaN is stored as 0 and matches !=');
    assert.deepEqual(await search("params.model = 'lr'"), ['r3', 'r1']);
    assert.deepEqual(await search("params.model ILIKE 'lr'"), ['r4', 'r3', 'r1']);
    assert.deepEqual(await search("tags.team LIKE 'ml-%'"), ['r2', 'r1'], 'LIKE is case-sensitive');
    assert.deepEqual(await search("params.model != 'lr' and tags.team ILIKE 'ml%'"), ['r4', 'r2']);
    assert.deepEqual(await search("attributes.status = 'FINISHED'"), ['r2']);
    assert.deepEqual(await search("run_name = 'r3'"), ['r3']);
    assert.deepEqual(await search('attributes.start_time >= 3000'), ['r4', 'r3']);
    assert.deepEqual(await search(`attributes.run_id IN ('${ids.r2}', '${ids.r3}')`), ['r3', 'r2']);
    assert.deepEqual(await search(`attributes.run_id NOT IN ('${ids.r2}')`), ['r4', 'r3', 'r1']);
    assert.deepEqual(await search("params.missing != 'x'"), [], 'a missing key never matches');
  });

  it('filter values are data, never SQL', async () => {
    assert.deepEqual(await search("params.model = 'lr'' OR ''1''=''1'"), []);
    assert.deepEqual(await search("params.`model'; DROP TABLE runs; --` = 'x'"), []);
    assert.equal((await search('')).length, 4);
  });

  it('orders by metrics with NaN after numbers and missing last, in both directions', async () => {
    assert.deepEqual(await search('', ['metrics.acc ASC']), ['r2', 'r1', 'r3', 'r4']);
    assert.deepEqual(await search('', ['metrics.acc DESC']), ['r1', 'r2', 'r3', 'r4']);
    assert.deepEqual(await search('', ['params.model ASC', 'attributes.start_time ASC']), [
      'r4',
      'r1',
      'r3',
      'r2',
    ]);
    assert.deepEqual(await search('', ['tags.team DESC']), ['r2', 'r1', 'r3', 'r4']);
  });

  it('pages with offset', async () => {
    const all = await search('');
    const first = await search('', [], { maxResults: 2 });
    const second = await search('', [], { maxResults: 2, offset: 2 });
    assert.deepEqual([...first, ...second], all);
  });

  it('returns full runs with data and inputs', async () => {
    const page = await t.store.searchRuns({
      experimentIds: [exp],
      filter: parseRunFilter("run_name = 'r2'"),
      orderBy: [],
      viewType: 'ALL',
      maxResults: 10,
      offset: 0,
    });
    const run = page.items[0]!;
    assert.deepEqual(run.data.params, [{ key: 'model', value: 'rf' }]);
    assert.deepEqual(run.data.metrics, [{ key: 'acc', value: 0.5, timestamp: 1, step: 0 }]);
    assert.deepEqual(run.inputs, {});
  });
});
