import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDialect } from '../support/dialects.ts';
import { createTestStore, type TestStore } from '../support/store.ts';

describeEachDialect('metric history', (dialect) => {
  let t: TestStore;
  let runA: string;
  let runB: string;
  const STEPS = 25_000;
  before(async () => {
    t = await createTestStore(dialect);
    const exp = await t.store.createExperiment({ name: 'history', tags: [] });
    runA = (await t.store.createRun({ experimentId: exp, userId: '', startTime: 0, tags: [] })).info.run_id;
    runB = (await t.store.createRun({ experimentId: exp, userId: '', startTime: 0, tags: [] })).info.run_id;
    for (let start = 0; start < STEPS; start += 1000) {
      const metrics = Array.from({ length: 1000 }, (_, i) => ({
        key: 'loss',
        value: 1 / (start + i + 1),
        timestamp: 1_700_000_000_000 + start + i,
        step: start + i,
      }));
      await t.store.logBatch(runA, { metrics, params: [], tags: [] });
    }
    await t.store.logBatch(runB, {
      metrics: [0, 10, 20, 30_000].map((step) => ({ key: 'loss', value: step, timestamp: 1, step })),
      params: [],
      tags: [],
    });
  });
  after(() => t.close());

  it('streams the whole history in step order, in bounded chunks', async () => {
    let count = 0;
    let chunks = 0;
    let lastStep = -1;
    for await (const json of t.store.streamMetricHistoryJson(runA, 'loss')) {
      const chunk = JSON.parse(String(json)) as { key: string; value: number; step: number }[];
      chunks++;
      assert.ok(chunk.length <= 10_000);
      for (const point of chunk) {
        assert.equal(point.key, 'loss');
        assert.equal(point.value, 1 / (point.step + 1), 'values round-trip exactly through the JSON');
        assert.ok(point.step > lastStep);
        lastStep = point.step;
        count++;
      }
    }
    assert.equal(count, STEPS);
    assert.ok(chunks >= 3);
  });

  it('pages with offsets and says when there is more', async () => {
    const first = await t.store.getMetricHistoryPage(runA, 'loss', 0, 10_000);
    assert.equal(first.items.length, 10_000);
    assert.equal(first.nextOffset, 10_000);
    const last = await t.store.getMetricHistoryPage(runA, 'loss', 20_000, 10_000);
    assert.equal(last.items.length, 5_000);
    assert.equal(last.nextOffset, undefined);
    assert.deepEqual((await t.store.getMetricHistoryPage(runA, 'nope', 0, 10)).items, []);
  });

  it('downsamples in SQL: at most max_results steps, plus each run’s first and last', async () => {
    const points = await t.store.getMetricHistoryBulkInterval({
      runIds: [runA, runB],
      key: 'loss',
      maxResults: 100,
    });
    const a = points.filter((p) => p.run_id === runA).map((p) => p.step);
    const b = points.filter((p) => p.run_id === runB).map((p) => p.step);
    // The union of steps has 25,002 distinct values; ≤ 100 sampled + the runs' min/max steps.
    const distinct = new Set(points.map((p) => p.step));
    assert.ok(distinct.size <= 100 + 4, `sampled ${distinct.size} steps`);
    assert.ok(a.includes(0) && a.includes(STEPS - 1), 'run A keeps its first and last step');
    assert.ok(b.includes(0) && b.includes(30_000), 'run B keeps its first and last step');
    assert.deepEqual(
      a,
      [...a].sort((x, y) => x - y),
      'ordered by step within a run',
    );
    const ranged = await t.store.getMetricHistoryBulkInterval({
      runIds: [runA],
      key: 'loss',
      startStep: 100,
      endStep: 199,
      maxResults: 2500,
    });
    assert.deepEqual(
      ranged.map((p) => p.step),
      Array.from({ length: 100 }, (_, i) => 100 + i),
    );
  });

  it('picks the same steps for gap-free runs as the general rule (the fast path)', async () => {
    // Run A logged steps 0…24,999 without gaps, so the steps are chosen arithmetically (sampled-steps.ts);
    // they must be the ones the general query's rule picks out of the numbered distinct steps.
    const m = 99;
    const expected = Array.from({ length: STEPS }, (_, i) => i).filter(
      (i) => i === 0 || Math.floor((i * m) / (STEPS - 1)) !== Math.floor(((i - 1) * m) / (STEPS - 1)),
    );
    const points = await t.store.getMetricHistoryBulkInterval({
      runIds: [runA],
      key: 'loss',
      maxResults: 100,
    });
    assert.deepEqual(
      points.map((p) => p.step),
      expected,
    );
    assert.ok(points.every((p) => p.value === 1 / (p.step + 1)));
    assert.deepEqual(
      await t.store.getMetricHistoryBulkInterval({ runIds: [runA], key: 'nope', maxResults: 10 }),
      [],
    );
  });
});
