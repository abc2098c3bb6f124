import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { MetricRow } from './dialect.ts';
import { migrate } from './migrate.ts';
import { SqliteDialect } from './sqlite-dialect.ts';
import { compareHistory, DENSITY, type PointRow as Point, type Segment } from './sqlite-metric-segments.ts';

/** Asserts the segments describe the table exactly (see sqlite-metric-segments.ts for what they promise). */
function assertExact(db: Database.Database): void {
  const rows = db
    .prepare('SELECT rowid, run_uuid, key, step, timestamp, value, is_nan FROM metrics ORDER BY rowid')
    .all() as Point[];
  const segments = db.prepare('SELECT * FROM mlflow_ts_metric_segments ORDER BY lo').all() as Segment[];
  const byHistory = new Map<string, Segment[]>();
  for (const s of segments) {
    const id = `${s.run_uuid}/${s.key}`;
    byHistory.set(id, [...(byHistory.get(id) ?? []), s]);
    assert.ok(s.hi - s.lo + 1 <= s.n * DENSITY, `segment ${id}@${s.lo} too sparse`);
  }
  const inSegment = new Map<Segment, Point[]>();
  for (const r of rows) {
    const own = (byHistory.get(`${r.run_uuid}/${r.key}`) ?? []).filter(
      (s) => s.lo <= r.rowid && r.rowid <= s.hi,
    );
    assert.equal(own.length, 1, `row ${r.rowid} of ${r.run_uuid}/${r.key} in ${own.length} segments`);
    inSegment.set(own[0]!, [...(inSegment.get(own[0]!) ?? []), r]);
  }
  for (const s of segments) {
    const points = inSegment.get(s) ?? [];
    assert.equal(points.length, s.n, `segment ${s.run_uuid}/${s.key}@${s.lo}: n`);
    const sorted = [...points].sort(compareHistory);
    assert.equal(s.first_step, sorted[0]!.step);
    assert.equal(s.first_timestamp, sorted[0]!.timestamp);
    assert.equal(s.last_step, sorted[sorted.length - 1]!.step);
    assert.equal(s.last_timestamp, sorted[sorted.length - 1]!.timestamp);
    const inOrder = points.every((p, i) => i === 0 || compareHistory(points[i - 1]!, p) < 0);
    // An ordered segment must be in order; an unordered one may happen to be.
    if (s.ordered === 1) assert.ok(inOrder, `segment ${s.run_uuid}/${s.key}@${s.lo} marked ordered`);
  }
  const mark = db.prepare('SELECT last_rowid FROM mlflow_ts_metric_segments_mark').get() as {
    last_rowid: number;
  };
  assert.equal(mark.last_rowid, rows.at(-1)?.rowid ?? 0);
}

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

describe('SQLite metric history segments', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mlflow-ts-segments-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const open = async (name: string) => {
    const path = join(dir, name);
    const dialect = new SqliteDialect({ path, checkpointThread: false, foreignKeys: false });
    await migrate(dialect);
    const other = new Database(path);
    other.pragma('foreign_keys = OFF');
    return { dialect, other };
  };
  const point = (
    run: string,
    key: string,
    step: number,
    timestamp = 1_000 + step,
    value = step / 3,
  ): MetricRow => ({
    run_uuid: run,
    key,
    step,
    timestamp,
    value,
    is_nan: false,
  });
  const insert = (d: SqliteDialect, rows: MetricRow[]) => d.write((trx) => d.insertMetrics(trx, rows));

  it('one segment per history of a request, extended while the history is the table tail', async () => {
    const { dialect, other } = await open('tail.db');
    try {
      const batch = (from: number) =>
        ['a', 'b'].flatMap((key) => Array.from({ length: 5 }, (_, i) => point('r1', key, from + i)));
      await insert(dialect, batch(0));
      const count = () =>
        other.prepare('SELECT count(*) AS n FROM mlflow_ts_metric_segments').get() as { n: number };
      assert.equal(count().n, 2);
      // Steps go on from where each history stopped: b's segment is the tail, a's is within DENSITY.
      await insert(dialect, batch(5));
      assert.equal(count().n, 2);
      assertExact(other);
      // Steps that go back start a segment of their own.
      await insert(dialect, [point('r1', 'a', 2, 5_000)]);
      assert.equal(count().n, 3);
      assertExact(other);
    } finally {
      other.close();
      await dialect.close();
    }
  });

  it('rows in any order are stored grouped and in history order; duplicates are skipped', async () => {
    const { dialect, other } = await open('order.db');
    try {
      const rows = [
        point('r', 'y', 3),
        point('r', 'x', 2),
        point('r', 'y', 1),
        point('r', 'x', 1),
        point('r', 'y', 2),
      ];
      await insert(dialect, rows);
      const stored = other.prepare('SELECT key, step FROM metrics ORDER BY rowid').all();
      assert.deepEqual(stored, [
        { key: 'y', step: 1 },
        { key: 'y', step: 2 },
        { key: 'y', step: 3 },
        { key: 'x', step: 1 },
        { key: 'x', step: 2 },
      ]);
      // Two of these are already there: the rowids come from reading the table back.
      await insert(dialect, [point('r', 'x', 2), point('r', 'x', 3), point('r', 'y', 3), point('r', 'y', 4)]);
      assertExact(other);
    } finally {
      other.close();
      await dialect.close();
    }
  });

  it('rows another writer appended are caught up; a changed tail rebuilds everything', async () => {
    const { dialect, other } = await open('foreign.db');
    try {
      await insert(dialect, [point('r1', 'a', 0), point('r1', 'a', 1)]);
      const foreign = other.prepare(
        'INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, ?, 0)',
      );
      for (const step of [5, 3, 4]) foreign.run('a', step, 10 + step, 'r1', step);
      foreign.run('b', 1, 1, 'r2', 1);
      await dialect.syncMetricSegments();
      assert.equal(dialect.segments.stats.catchUps, 1);
      assert.equal(dialect.segments.stats.rebuilds, 1); // the first sync, on migration
      assertExact(other);
      const unordered = other
        .prepare("SELECT ordered FROM mlflow_ts_metric_segments WHERE key = 'a' ORDER BY lo DESC LIMIT 1")
        .get() as { ordered: number };
      assert.equal(unordered.ordered, 0);
      // Another writer removes the last rows (as `mlflow gc` would) and appends as many again.
      other.prepare("DELETE FROM metrics WHERE run_uuid = 'r2'").run();
      foreign.run('c', 1, 1, 'r3', 1);
      await insert(dialect, [point('r1', 'a', 9)]);
      assert.equal(dialect.segments.stats.rebuilds, 2);
      assertExact(other);
    } finally {
      other.close();
      await dialect.close();
    }
  });

  it('stays exact through a random mix of our writes, other writers, purges and duplicates', async () => {
    const { dialect: main, other } = await open('random.db');
    // The server's two writer connections (main thread and write thread), each with its own remembered segments.
    const thread = new SqliteDialect({
      path: join(dir, 'random.db'),
      writerOnly: true,
      foreignKeys: false,
      checkpointThread: false,
    });
    const writers = [main, thread];
    const dialect = main;
    const next = random(20261208);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
    const runs = ['r0', 'r1', 'r2', 'r3'];
    const keys = ['loss', 'acc', 'lr', 'val/loss', 'k'];
    const steps = new Map<string, number>();
    const foreign = other.prepare(
      'INSERT OR IGNORE INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, ?, ?)',
    );
    try {
      for (let op = 0; op < 600; op++) {
        const r = next();
        const run = pick(runs);
        if (r < 0.6) {
          const rows: MetricRow[] = [];
          const n = 1 + Math.floor(next() * (next() < 0.2 ? 400 : 20));
          for (let i = 0; i < n; i++) {
            const key = pick(keys);
            const id = `${run}/${key}`;
            // Mostly the next step; sometimes an old one (a resumed run) or the same step again.
            const last = steps.get(id) ?? 0;
            const step = next() < 0.85 ? last + 1 : Math.floor(next() * (last + 1));
            steps.set(id, Math.max(last, step));
            rows.push({ ...point(run, key, step, 1_000 + Math.floor(next() * 5)), is_nan: next() < 0.05 });
          }
          await insert(pick(writers), rows);
        } else if (r < 0.85) {
          for (let i = 0, n = 1 + Math.floor(next() * 30); i < n; i++) {
            foreign.run(pick(keys), next(), 1_000, run, Math.floor(next() * 50), 0);
          }
        } else if (r < 0.92) {
          const w = pick(writers);
          await w.write((trx) => w.deleteRunMetrics(trx, [run]));
        } else {
          other
            .prepare(
              'DELETE FROM metrics WHERE rowid IN (SELECT rowid FROM metrics ORDER BY rowid DESC LIMIT 3)',
            )
            .run();
        }
        if (op % 10 === 9) {
          await dialect.syncMetricSegments();
          assertExact(other);
        }
      }
      await dialect.syncMetricSegments();
      assertExact(other);
      assert.ok(main.segments.stats.catchUps + thread.segments.stats.catchUps > 0);
    } finally {
      other.close();
      await thread.close();
      await main.close();
    }
  });
});
