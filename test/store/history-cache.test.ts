import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { openSqlTrackingStore, type SqlTrackingStore } from '@mlflow-ts/server';
import { describeEachDialect } from '../support/dialects.ts';
import { createTestStore, type TestStore } from '../support/store.ts';

/** A whole history as the store streams it, and whether it came from the cache. */
async function read(store: SqlTrackingStore, runId: string, key = 'loss') {
  const hitsBefore = store.historyCacheStats?.hits ?? 0;
  const parts: string[] = [];
  for await (const chunk of store.streamMetricHistoryJson(runId, key)) {
    parts.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
  }
  const points = parts.flatMap((p) => JSON.parse(p) as { step: number; value: number | string }[]);
  return { points, cached: (store.historyCacheStats?.hits ?? 0) > hitsBefore };
}

const batch = (from: number, n: number) => ({
  metrics: Array.from({ length: n }, (_, i) => ({
    key: 'loss',
    value: 1 / (from + i + 1),
    timestamp: 1_700_000_000_000 + from + i,
    step: from + i,
  })),
  params: [],
  tags: [],
});

describeEachDialect('metric history cache', (dialect) => {
  let t: TestStore & { uri: string };
  let runId: string;
  let small: string;
  before(async () => {
    t = await createTestStore(dialect, undefined, { historyCacheBytes: 8 * 1024 * 1024 });
    const exp = await t.store.createExperiment({ name: 'cache', tags: [] });
    const run = () => t.store.createRun({ experimentId: exp, userId: '', startTime: 0, tags: [] });
    runId = (await run()).info.run_id;
    small = (await run()).info.run_id;
    for (let from = 0; from < 12_000; from += 1000) await t.store.logBatch(runId, batch(from * 2, 1000));
    await t.store.logBatch(small, batch(0, 10));
  });
  after(() => t.close());

  it('answers a repeated whole history from memory, identical to the first answer', async () => {
    const first = await read(t.store, runId);
    const second = await read(t.store, runId);
    assert.equal(first.points.length, 12_000);
    assert.equal(first.cached, false);
    assert.equal(second.cached, true);
    assert.deepEqual(second.points, first.points);
  });

  it('sees a point written since, even one before the last step (the latest value does not change)', async () => {
    assert.equal((await read(t.store, runId)).cached, true);
    await t.store.logBatch(runId, batch(1500, 1)); // between the batches at 0–999 and 2000–2999
    const { points, cached } = await read(t.store, runId);
    assert.equal(cached, false);
    assert.equal(points.length, 12_001);
    assert.deepEqual(
      points.slice(999, 1002).map((p) => p.step),
      [999, 1500, 2000],
    );
  });

  it('sees points another connection (another server process) wrote', async () => {
    await read(t.store, runId);
    const other = await openSqlTrackingStore(t.uri, { defaultArtifactRoot: 'mlflow-artifacts:/' });
    try {
      await other.logBatch(runId, batch(100_000, 5));
    } finally {
      await other.close();
    }
    const { points, cached } = await read(t.store, runId);
    assert.equal(cached, false);
    assert.equal(points.at(-1)?.step, 100_004);
  });

  it('does not keep a history the client stopped reading halfway', async () => {
    await t.store.logBatch(runId, batch(200_000, 1)); // the cached entry is now stale
    for await (const _chunk of t.store.streamMetricHistoryJson(runId, 'loss')) break;
    const again = await read(t.store, runId);
    assert.equal(again.cached, false, 'rebuilt from the database, not served from a partial entry');
    assert.equal(again.points.length, 12_007);
    assert.equal((await read(t.store, runId)).cached, true);
  });

  it('rebuilds short histories each time instead of keeping them', async () => {
    await read(t.store, small);
    const { points, cached } = await read(t.store, small);
    assert.equal(points.length, 10);
    assert.equal(cached, false);
  });
});
