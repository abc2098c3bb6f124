import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import type { MetricRow } from './dialect.ts';
import { historyRowsOfRuns, planHistory, rowidChunks, segmentRows } from './history-source.ts';
import { SqlMetricHistory } from './metric-history.ts';
import { migrate } from './migrate.ts';
import { SqliteDialect } from './sqlite-dialect.ts';

interface Stored {
  key: string;
  value: number;
  timestamp: number;
  step: number;
  is_nan: number;
}

// Every way SQLite reads a history — through ordered segments (rowid keyset), through segments sorted,
// and from the table when the segments do not hold — must give what MLflow's ORDER BY gives.
describe('SQLite history reads through segments', () => {
  let dir: string;
  let dialect: SqliteDialect;
  let other: Database.Database;
  let history: SqlMetricHistory;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mlflow-ts-history-source-'));
    const path = join(dir, 'mlflow.db');
    dialect = new SqliteDialect({ path, checkpointThread: false, foreignKeys: false, segmentWatchMs: 0 });
    await migrate(dialect);
    other = new Database(path);
    other.pragma('foreign_keys = OFF');
    history = new SqlMetricHistory(dialect, 64 * 2 ** 20);
  });
  after(async () => {
    other.close();
    await dialect.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const insert = (rows: MetricRow[]) => dialect.write((trx) => dialect.insertMetrics(trx, rows));
  const points = (run: string, key: string, steps: number[], t0 = 1_000): MetricRow[] =>
    steps.map((step, i) => ({
      run_uuid: run,
      key,
      step,
      timestamp: t0 + i,
      value: step / 4,
      is_nan: step % 97 === 0,
    }));
  const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

  /** What MLflow returns: the rows in (step, timestamp, value, is_nan) order. */
  const expected = (run: string, key: string) =>
    (
      other
        .prepare(
          'SELECT key, value, timestamp, step, is_nan FROM metrics WHERE run_uuid = ? AND key = ? ORDER BY step, timestamp, value, is_nan',
        )
        .all(run, key) as Stored[]
    ).map((r) => ({
      key: r.key,
      value: r.is_nan ? 'NaN' : r.value,
      timestamp: r.timestamp,
      step: r.step,
    }));

  const streamed = async (run: string, key: string) => {
    const parts: unknown[] = [];
    for await (const chunk of history.streamMetricHistoryJson(run, key)) {
      parts.push(
        ...(JSON.parse(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()) as unknown[]),
      );
    }
    return parts;
  };

  const assertReads = async (run: string, key: string) => {
    const want = expected(run, key);
    assert.deepEqual(await streamed(run, key), want);
    // Twice: the second answer may come from the history cache, validated by the count.
    assert.deepEqual(await streamed(run, key), want);
    for (const [offset, limit] of [
      [0, 7],
      [5, 1000],
      [want.length - 3, 10],
      [want.length, 5],
    ] as const) {
      const page = await history.getMetricHistoryPageJson(run, key, offset, limit);
      assert.deepEqual(
        page.json ? JSON.parse(page.json) : [],
        want.slice(offset, offset + limit),
        `page ${offset}+${limit}`,
      );
      assert.equal(page.nextOffset, offset + limit < want.length ? offset + limit : undefined);
    }
  };

  it('a history logged in order reads through ordered segments, in chunks', async () => {
    // 16 runs taking turns, as concurrent training jobs do: each run's segments are far apart.
    for (let b = 0; b < 30; b++) {
      for (const run of ['a', 'b', 'c'])
        await insert([
          ...points(run, 'loss', range(b * 500, 500)),
          ...points(run, 'acc', range(b * 500, 500)),
        ]);
    }
    const plan = await planHistory(dialect, 'a', 'loss');
    assert.equal(plan?.ordered, true);
    assert.equal(plan?.count, 15_000);
    await assertReads('a', 'loss');
    await assertReads('c', 'acc');
    await assertReads('a', 'missing');
  });

  it('a history that goes back in steps (a resumed run) is sorted', async () => {
    await insert(points('r', 'loss', range(0, 300)));
    await insert(points('r', 'loss', range(100, 400), 5_000));
    await insert(points('r', 'loss', [50, 7, 7, 900], 9_000));
    const plan = await planHistory(dialect, 'r', 'loss');
    assert.equal(plan?.ordered, false);
    await assertReads('r', 'loss');
  });

  it('rows another writer appended are read from the table until our next write', async () => {
    const foreign = other.prepare(
      'INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, ?, 0)',
    );
    for (const step of [10_000, 3, 20_000]) foreign.run('loss', step, 42, 'a', step);
    assert.equal(await planHistory(dialect, 'a', 'loss'), null);
    await assertReads('a', 'loss');
    await dialect.syncMetricSegments();
    assert.equal((await planHistory(dialect, 'a', 'loss'))?.ordered, false);
    await assertReads('a', 'loss');
  });

  it("without writes of ours, the main connection's watch segments other writers' rows", async () => {
    const watching = new SqliteDialect({
      path: join(dir, 'mlflow.db'),
      checkpointThread: false,
      segmentWatchMs: 20,
    });
    try {
      await migrate(watching);
      other
        .prepare(
          'INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, ?, 0)',
        )
        .run('loss', 1, 43, 'w', 1);
      let plan = await planHistory(watching, 'w', 'loss');
      for (let i = 0; i < 200 && plan === null; i++) {
        await new Promise((r) => setTimeout(r, 10));
        plan = await planHistory(watching, 'w', 'loss');
      }
      assert.equal(plan?.count, 1);
    } finally {
      await watching.close();
    }
  });

  it('bulk and bulk-interval reads agree with the table', async () => {
    const runs = ['a', 'b', 'c', 'r'];
    const read = async () => ({
      interval: await history.getMetricHistoryBulkInterval({ runIds: runs, key: 'loss', maxResults: 50 }),
      ranged: await history.getMetricHistoryBulkInterval({
        runIds: ['b', 'c'],
        key: 'loss',
        startStep: 100,
        endStep: 4_000,
        maxResults: 20,
      }),
      bulk: await history.getMetricHistoryBulk(runs, 'loss', 300),
    });
    const throughSegments = await read();
    assert.ok(throughSegments.interval.length > 0 && throughSegments.ranged.length > 0);
    // Without the mark, every read goes to the table.
    other.prepare('DELETE FROM mlflow_ts_metric_segments_mark').run();
    assert.equal(await planHistory(dialect, 'a', 'loss'), null);
    assert.deepEqual(await read(), throughSegments);
    await dialect.syncMetricSegments();
    assert.notEqual(await planHistory(dialect, 'a', 'loss'), null);
  });

  it('segments are read as rowid ranges of the table, not through an index', () => {
    const plan = (query: {
      compile(db: typeof dialect.db): { sql: string; parameters: readonly unknown[] };
    }) => {
      const { sql: text, parameters } = query.compile(dialect.db);
      return (
        other.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...(parameters as unknown[])) as { detail: string }[]
      )
        .map((r) => r.detail)
        .join('\n');
    };
    const one = plan(sql`${segmentRows('a', 'loss', 1e9, sql`m.step`)} ORDER BY s.lo, m.rowid`);
    assert.match(one, /SEARCH m USING INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)/);
    assert.doesNotMatch(one, /TEMP B-TREE/);
    const many = plan(
      sql`SELECT * FROM (${historyRowsOfRuns(dialect, ['a', 'b'], 'loss', { start: 0, end: 9 })})`,
    );
    assert.match(many, /SEARCH m USING INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)/);
    assert.match(many, /SEARCH t USING INDEX index_metrics_run_uuid/);
  });

  it('a history of more segments than a plan loads is read by rowid keyset', async () => {
    // 20 runs logging one point at a time, taking turns: a history's points are 20 rows apart, so its
    // segments hold a few points each.
    const runs = Array.from({ length: 20 }, (_, i) => `many${i}`);
    for (let step = 0; step < 60; step++) {
      for (const run of runs) await insert(points(run, 'loss', [step], 7_000 + step));
    }
    const few = new SqlMetricHistory(dialect, 0, 4);
    const plan = await planHistory(dialect, 'many3', 'loss', 4);
    assert.equal(plan?.ordered, true);
    assert.equal(plan?.segments, undefined);
    const parts: unknown[] = [];
    for await (const chunk of few.streamMetricHistoryJson('many3', 'loss'))
      parts.push(...(JSON.parse(String(chunk)) as unknown[]));
    assert.deepEqual(parts, expected('many3', 'loss'));
    const page = await few.getMetricHistoryPageJson('many3', 'loss', 17, 20);
    assert.deepEqual(JSON.parse(page.json!), expected('many3', 'loss').slice(17, 37));
    assert.equal(page.nextOffset, 37);
  });

  it('an ordered history is read in rowid chunks of bounded size, a long segment split', () => {
    const segments = [
      { lo: 1, hi: 25 },
      { lo: 100, hi: 104 },
    ];
    assert.deepEqual(rowidChunks(segments, 10), [
      { from: 1, to: 10 },
      { from: 11, to: 20 },
      { from: 21, to: 104 },
    ]);
    assert.deepEqual(rowidChunks([], 10), []);
  });
});
