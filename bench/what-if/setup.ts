/** What every what-if experiment starts from: a database with the served schema, and metric rows. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';

const BIN = fileURLToPath(new URL('../../bin/mlflow-ts.mjs', import.meta.url));
const RUN_COLUMNS =
  'run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, source_version, ' +
  'lifecycle_stage, artifact_uri, experiment_id';
export const INSERT_RUN = `INSERT INTO runs (${RUN_COLUMNS}) VALUES (?, ?, 'LOCAL', '', '', '', 'RUNNING', ?, '', 'active', '', 0)`;
export const INSERT_METRIC =
  'INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING';
export const runId = (i: number) => i.toString(16).padStart(32, '0');

export function upgrade(uri: string): void {
  const res = spawnSync(process.execPath, [BIN, 'db', 'upgrade', uri], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`db upgrade failed: ${res.stderr}`);
}

/** A fresh SQLite database with the served schema and pragmas (sqlite-dialect.ts), 16 runs or `runs`. */
export function sqliteDb(dir: string, name: string, runs = 16, pageSize?: number): BetterSqlite3.Database {
  const path = join(dir, `${name}.db`);
  if (pageSize !== undefined) {
    // The page size is fixed when the first page is written: write one before the schema is made.
    const init = new BetterSqlite3(path);
    init.pragma(`page_size = ${pageSize}`);
    init.exec('CREATE TABLE whatif_init (a); DROP TABLE whatif_init');
    init.close();
  }
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

export interface Row {
  key: string;
  value: number;
  timestamp: number;
  run_uuid: string;
  step: number;
  is_nan: boolean;
}
