// runs/search sorted by a metric takes a windowed path (search-runs-sql.ts windowedSearch) when a page
// is small next to the runs: these cases make it both succeed and fall back — ties on the boundary value,
// NaN values, runs without the metric, filters of every selectivity, both directions, every page — and
// check each page against the order of spec §4.1 computed here.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { parseRunFilter, parseRunOrderBy } from '../../packages/server/src/core/search/index.ts';
import { describeEachDialect } from '../support/dialects.ts';
import { createTestStore, type TestStore } from '../support/store.ts';

interface Seeded {
  id: string;
  start: number;
  /** undefined: the run has no such metric. */
  m?: number;
  p: string;
}

/** A small deterministic generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

describeEachDialect('runs search ordered by a metric (windowed)', (dialect) => {
  let t: TestStore;
  let exp: string;
  const runs: Seeded[] = [];
  before(async () => {
    t = await createTestStore(dialect);
    exp = await t.store.createExperiment({ name: 'window', tags: [] });
    // Another experiment sharing the metric key, so windows hold rows that the experiment filter drops.
    const other = await t.store.createExperiment({ name: 'window-other', tags: [] });
    const rand = rng(7);
    for (let i = 0; i < 90; i++) {
      const r = rand();
      // Few distinct values: many ties, some at every window boundary.
      const m = r < 0.1 ? undefined : r < 0.2 ? Number.NaN : Math.floor(rand() * 6) / 2;
      const p = rand() < 0.3 ? 'x' : rand() < 0.5 ? 'y' : 'z';
      const start = 1000 + Math.floor(rand() * 20) * 10;
      const run = await t.store.createRun({ experimentId: exp, userId: 'u', startTime: start, tags: [] });
      await t.store.logBatch(run.info.run_id, {
        metrics: m === undefined ? [] : [{ key: 'm', value: m, timestamp: 1, step: 0 }],
        params: [{ key: 'p', value: p }],
        tags: [],
      });
      runs.push({ id: run.info.run_id, start, m, p });
    }
    for (let i = 0; i < 30; i++) {
      const run = await t.store.createRun({ experimentId: other, userId: 'u', startTime: 5, tags: [] });
      await t.store.logBatch(run.info.run_id, {
        metrics: [{ key: 'm', value: 2.5, timestamp: 1, step: 0 }],
        params: [],
        tags: [],
      });
    }
  });
  after(() => t.close());

  /** Spec §4.1: numbers in the asked direction, then NaN, then missing; start_time DESC; run id ASC. */
  function expected(filter: (r: Seeded) => boolean, ascending: boolean): string[] {
    const rank = (r: Seeded) => (r.m === undefined ? 2 : Number.isNaN(r.m) ? 1 : 0);
    return runs
      .filter(filter)
      .sort((a, b) => {
        const ra = rank(a);
        const rb = rank(b);
        if (ra !== rb) return ra - rb;
        if (ra === 0 && a.m !== b.m)
          return ascending ? (a.m as number) - (b.m as number) : (b.m as number) - (a.m as number);
        if (a.start !== b.start) return b.start - a.start;
        return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
      })
      .map((r) => r.id);
  }

  const cases: [string, (r: Seeded) => boolean][] = [
    ['', () => true],
    ["params.p = 'x'", (r) => r.p === 'x'],
    ["params.p != 'z'", (r) => r.p !== 'z'],
    ["params.p = 'nobody'", () => false],
  ];

  for (const [filter, predicate] of cases) {
    for (const ascending of [false, true]) {
      it(`pages through "${filter || 'all'}" by metric ${ascending ? 'ASC' : 'DESC'}`, async () => {
        const want = expected(predicate, ascending);
        for (const pageSize of [1, 3, 7]) {
          const got: string[] = [];
          for (let offset = 0; offset <= want.length; offset += pageSize) {
            const page = await t.store.searchRuns({
              experimentIds: [exp],
              filter: parseRunFilter(filter),
              orderBy: parseRunOrderBy([`metrics.m ${ascending ? 'ASC' : 'DESC'}`]),
              viewType: 'ACTIVE_ONLY',
              maxResults: pageSize,
              offset,
            });
            got.push(...page.items.map((r) => r.info.run_id));
          }
          assert.deepEqual(got, want, `page size ${pageSize}`);
        }
      });
    }
  }
});
