/**
 * Database-only experiments behind the analysis in RESULTS.md: what the schema and the query shapes cost
 * without HTTP, JSON or the server around them. They run on a schema made by `mlflow-ts db upgrade` (MLflow's
 * tables plus our additive indexes), with the server's SQLite pragmas, and change nothing in the server.
 *
 *   node --import tsx bench/what-if.ts [sqlite-log-batch] [sqlite-search] [pg-log-batch]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { startPgCluster } from './postgres.ts';

const BIN = fileURLToPath(new URL('../bin/mlflow-ts.mjs', import.meta.url));
const RUN_COLUMNS =
  'run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, source_version, ' +
  'lifecycle_stage, artifact_uri, experiment_id';
const INSERT_RUN = `INSERT INTO runs (${RUN_COLUMNS}) VALUES (?, ?, 'LOCAL', '', '', '', 'RUNNING', ?, '', 'active', '', 0)`;
const INSERT_METRIC =
  'INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING';
const runId = (i: number) => i.toString(16).padStart(32, '0');

function upgrade(uri: string): void {
  const res = spawnSync(process.execPath, [BIN, 'db', 'upgrade', uri], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`db upgrade failed: ${res.stderr}`);
}

/** A fresh SQLite database with the served schema and pragmas (sqlite-dialect.ts), 16 runs or `runs`. */
function sqliteDb(dir: string, name: string, runs = 16): BetterSqlite3.Database {
  const path = join(dir, `${name}.db`);
  upgrade(`sqlite:///${path}`);
  const db = new BetterSqlite3(path);
  for (const p of [
    'journal_mode = WAL',
    'synchronous = NORMAL',
    'foreign_keys = ON',
    'wal_autocheckpoint = 10000',
    'journal_size_limit = 67108864',
    'cache_size = -65536',
    'temp_store = MEMORY',
  ]) {
    db.pragma(p);
  }
  db.prepare(
    "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage) VALUES (0, 'Default', '', 'active')",
  ).run();
  const insert = db.prepare(INSERT_RUN);
  db.transaction(() => {
    for (let i = 0; i < runs; i++) insert.run(runId(i), `run-${i}`, i);
  })();
  return db;
}

/** The log-batch writer path without the server: 4 batches of 1,000 rows per commit, as group commit does. */
function sqliteLogBatch(dir: string): void {
  const variants: [string, string[]][] = [
    ['as served', []],
    ['without additive index mlflow_ts_metrics_run_key_step', ['DROP INDEX mlflow_ts_metrics_run_key_step']],
    ['without MLflow index index_metrics_run_uuid', ['DROP INDEX index_metrics_run_uuid']],
  ];
  for (const [label, setup] of variants) {
    const db = sqliteDb(dir, label.replace(/\W+/g, '_'));
    for (const s of setup) db.exec(s);
    const insert = db.prepare(INSERT_METRIC);
    const ts0 = Date.now();
    const commits = 450; // 1.8M rows, about what the server holds at the end of a 13 s log-batch run
    let measuredFrom = 0n;
    let n = 0;
    for (let c = 0; c < commits; c++) {
      if (c === commits - 100) measuredFrom = process.hrtime.bigint();
      db.exec('BEGIN IMMEDIATE');
      for (let unit = 0; unit < 4; unit++, n++) {
        const run = runId(n % 16);
        const first = Math.floor(n / 16) * 100;
        for (let k = 0; k < 10; k++) {
          for (let s = 0; s < 100; s++)
            insert.run(`train/metric_${k}`, Math.random(), ts0 + n * 100 + s, run, first + s, 0);
        }
      }
      db.exec('COMMIT');
    }
    const seconds = Number(process.hrtime.bigint() - measuredFrom) / 1e9;
    console.log(`sqlite log-batch, ${label}: ${Math.round(400_000 / seconds).toLocaleString()} points/s`);
    db.close();
  }
}

const SEARCH_SERVED = `SELECT runs.* FROM runs
  JOIN latest_metrics f0 ON f0.run_uuid = runs.run_uuid AND f0.key = 'm1' AND f0.value > 0.5
  JOIN params f1 ON f1.run_uuid = runs.run_uuid AND f1.key = 'p1' AND f1.value = 'x'
  LEFT JOIN latest_metrics o0 ON o0.run_uuid = runs.run_uuid AND o0.key = 'm2'
  WHERE runs.experiment_id IN (0) AND runs.lifecycle_stage = 'active'
  ORDER BY o0.value IS NULL, o0.is_nan, o0.value DESC, runs.start_time IS NULL, runs.start_time DESC, runs.run_uuid
  LIMIT 100`;
// Walk the order key's index from the top and probe the filters until 100 runs qualify (~400 probes at 25 %
// selectivity). Runs lacking m2 would follow in a second pass; NaN and tie order are not handled here.
const SEARCH_ORDER_DRIVEN = `SELECT runs.* FROM latest_metrics o0
  CROSS JOIN latest_metrics f0 CROSS JOIN params f1 CROSS JOIN runs
  WHERE o0.key = 'm2' AND f0.run_uuid = o0.run_uuid AND f0.key = 'm1' AND f0.value > 0.5
    AND f1.run_uuid = o0.run_uuid AND f1.key = 'p1' AND f1.value = 'x'
    AND runs.run_uuid = o0.run_uuid AND runs.experiment_id IN (0) AND runs.lifecycle_stage = 'active'
  ORDER BY o0.value DESC LIMIT 100`;

function sqliteSearch(dir: string): void {
  const db = sqliteDb(dir, 'search', 10_000);
  const param = db.prepare('INSERT INTO params (key, value, run_uuid) VALUES (?, ?, ?)');
  const latest = db.prepare(
    'INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES (?, ?, 0, 0, 0, ?)',
  );
  const tag = db.prepare('INSERT INTO tags (key, value, run_uuid) VALUES (?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < 10_000; i++) {
      const id = runId(i);
      for (let k = 0; k < 10; k++) {
        param.run(`p${k}`, k === 1 ? (Math.random() < 0.5 ? 'x' : 'y') : `v${i % 97}`, id);
        latest.run(`m${k}`, Math.random(), id);
      }
      for (let k = 0; k < 5; k++) tag.run(`t${k}`, `tag-${k}`, id);
    }
  })();
  for (const [label, query] of [
    ['as served', SEARCH_SERVED],
    ['order-driven plan', SEARCH_ORDER_DRIVEN],
  ] as const) {
    const stmt = db.prepare(query);
    const times: number[] = [];
    for (let i = 0; i < 40; i++) {
      const t = performance.now();
      stmt.all();
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN ${query}`)
      .all()
      .map((r) => (r as { detail: string }).detail)
      .join(' | ');
    console.log(`sqlite search, ${label}: median ${times[20]!.toFixed(2)} ms\n  plan: ${plan}`);
  }
  db.close();
}

/** The PostgreSQL log-batch INSERT (unnest of 1,000 rows) alone on one connection, schema variants. */
async function pgLogBatch(): Promise<void> {
  const cluster = await startPgCluster();
  try {
    const variants: [string, string[], boolean][] = [
      ['as served', [], true],
      ['without ON CONFLICT DO NOTHING', [], false],
      ['without the FK to runs', ['ALTER TABLE metrics DROP CONSTRAINT metrics_run_uuid_fkey'], true],
      ['without additive index', ['DROP INDEX mlflow_ts_metrics_run_key_step'], true],
    ];
    for (const [label, setup, conflict] of variants) {
      const uri = await cluster.createDatabase(`whatif_${label.replace(/\W+/g, '_')}`);
      upgrade(uri);
      const client = new pg.Client({ connectionString: uri });
      await client.connect();
      await client.query(
        "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage) VALUES (0, 'Default', '', 'active')",
      );
      for (let i = 0; i < 16; i++) {
        await client.query(INSERT_RUN.replace('?, ?,', "$1, 'r',").replace("'RUNNING', ?", "'RUNNING', 0"), [
          runId(i),
        ]);
      }
      for (const s of setup) await client.query(s);
      const sql =
        'INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) SELECT * FROM unnest($1::text[], ' +
        `$2::float8[], $3::int8[], $4::text[], $5::int8[], $6::bool[])${conflict ? ' ON CONFLICT DO NOTHING' : ''}`;
      const ts0 = Date.now();
      const times: number[] = [];
      for (let n = 0; n < 250; n++) {
        const cols: unknown[][] = [[], [], [], [], [], []];
        for (let i = 0; i < 1000; i++) {
          const step = Math.floor(n / 16) * 100 + (i % 100);
          const row = [
            `train/metric_${i % 10}`,
            Math.random(),
            ts0 + n * 100 + (i % 100),
            runId(n % 16),
            step,
            false,
          ];
          for (const [c, v] of row.entries()) cols[c]!.push(v);
        }
        const t = performance.now();
        await client.query('BEGIN');
        await client.query(sql, cols);
        await client.query('COMMIT');
        if (n >= 50) times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      console.log(`pg log-batch insert, ${label}: median ${times[100]!.toFixed(1)} ms per 1,000 rows`);
      await client.end();
    }
  } finally {
    cluster.stop();
  }
}

const wanted = process.argv.slice(2);
const all = wanted.length === 0;
const dir = mkdtempSync(join(tmpdir(), 'mlflow-ts-what-if-'));
try {
  if (all || wanted.includes('sqlite-log-batch')) sqliteLogBatch(dir);
  if (all || wanted.includes('sqlite-search')) sqliteSearch(dir);
  if (all || wanted.includes('pg-log-batch')) await pgLogBatch();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
