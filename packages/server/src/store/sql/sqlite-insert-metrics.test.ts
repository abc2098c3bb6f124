import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { MetricRow } from './dialect.ts';
import { SqliteDialect } from './sqlite-dialect.ts';
import { SEGMENT_STATEMENTS } from './sqlite-metric-segments.ts';

// The statement shapes of SqliteDialect.insertMetrics: rows of one run (its id bound once) and rows of
// several runs (bound per row), in chunks; both must store exactly what was given.
describe('SQLite insertMetrics', () => {
  let dir: string;
  let path: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mlflow-ts-metrics-'));
    path = join(dir, 'mlflow.db');
    const setup = new Database(path);
    setup.exec(`CREATE TABLE metrics (key VARCHAR(250) NOT NULL, value FLOAT NOT NULL, timestamp BIGINT NOT NULL,
      run_uuid VARCHAR(32) NOT NULL, step BIGINT DEFAULT '0' NOT NULL, is_nan BOOLEAN DEFAULT '0' NOT NULL,
      CONSTRAINT metric_pk PRIMARY KEY (key, timestamp, step, run_uuid, value, is_nan))`);
    for (const statement of SEGMENT_STATEMENTS) setup.exec(statement);
    setup.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const rowsOf = (run: (i: number) => string, n: number, from: number): MetricRow[] =>
    Array.from({ length: n }, (_, i) => ({
      key: `k${i % 3}`,
      value: (from + i) / 7,
      timestamp: 1_700_000_000_000 + from + i,
      run_uuid: run(i),
      step: from + i,
      is_nan: i % 11 === 0,
    }));

  it('stores one-run and several-run batches, across chunk sizes, exactly once', async () => {
    const dialect = new SqliteDialect({ path, checkpointThread: false });
    const written: MetricRow[] = [];
    try {
      let from = 0;
      for (const [n, runs] of [
        [1, 1],
        [65, 1],
        [1100, 1],
        [3, 2],
        [130, 3],
        [1100, 2],
      ] as const) {
        const rows = rowsOf((i) => `run${i % runs}`, n, from);
        await dialect.write((trx) => dialect.insertMetrics(trx, rows));
        written.push(...rows);
        from += n;
      }
      // An exact duplicate of a stored row is skipped, as MLflow does.
      await dialect.write((trx) => dialect.insertMetrics(trx, [written[0]!]));
    } finally {
      await dialect.close();
    }
    const db = new Database(path, { readonly: true });
    try {
      const stored = db
        .prepare('SELECT key, value, timestamp, run_uuid, step, is_nan FROM metrics ORDER BY step')
        .all() as (Omit<MetricRow, 'is_nan'> & { is_nan: number })[];
      assert.deepEqual(
        stored.map((r) => ({ ...r, is_nan: r.is_nan === 1 })),
        written,
      );
    } finally {
      db.close();
    }
  });
});
