/**
 * The log-batch writer path without the server, in variants (statement shape, row order, page size, pragmas,
 * checkpoints): `node --import tsx bench/what-if.ts sqlite-log-batch [--only LABEL]… [--rounds N]`.
 */
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import {
  by64Chunk,
  jsonEach,
  multiValues,
  multiValuesChunked,
  multiValuesOneRun,
  paddedValues,
  perRow,
  pow2Chunk,
  tuples,
  type Writer,
} from './metric-writers.ts';
import { type Row, runId, sqliteDb } from './setup.ts';

const byPrimaryKey = (a: Row, b: Row) =>
  a.key < b.key ? -1 : a.key > b.key ? 1 : a.timestamp - b.timestamp || a.step - b.step;
const byHistoryIndex = (a: Row, b: Row) =>
  a.run_uuid < b.run_uuid
    ? -1
    : a.run_uuid > b.run_uuid
      ? 1
      : a.key < b.key
        ? -1
        : a.key > b.key
          ? 1
          : a.step - b.step;

/** The statement the server runs for latest_metrics (run-store.ts insertMetrics), `n` keys. */
const latestMetricsUpsert = (n: number) =>
  `insert into "latest_metrics" ("key", "value", "timestamp", "step", "is_nan", "run_uuid") values ${tuples(n)} on conflict ("key", "run_uuid") do update set "value" = "excluded"."value", ` +
  `"timestamp" = "excluded"."timestamp", "step" = "excluded"."step", "is_nan" = "excluded"."is_nan" ` +
  'where (excluded.step, excluded.timestamp, excluded.value) > (latest_metrics.step, latest_metrics.timestamp, latest_metrics.value)';

interface LogBatchVariant {
  label: string;
  /** Statements after the schema is made (DROP INDEX, extra pragmas). */
  setup?: string[];
  /** Page size of the new file, set before the schema is created. */
  pageSize?: number;
  writer?: Writer;
  /**
   * Rows of a request: `key-major` as the bench's bodies (10 keys × 100 steps), `step-major` as a training
   * loop that logs every key at each step and flushes 100 steps.
   */
  bodyOrder?: 'key-major' | 'step-major';
  /** Sort each request's rows before inserting them. */
  sort?: (a: Row, b: Row) => number;
  /**
   * All 4,000 rows of a commit as one sorted set with one writer call. Reference only: group commit runs each
   * request as its own unit, so it cannot merge them.
   */
  commitSort?: (a: Row, b: Row) => number;
  /** Only the metric INSERTs, without the unit's SAVEPOINT/RELEASE, run check and latest_metrics upsert. */
  bare?: boolean;
  /** SAVEPOINT/RELEASE as prepared statements instead of `exec` (parsed each time). */
  preparedSavepoints?: boolean;
  /** The unit's work without a SAVEPOINT/RELEASE around it (as served since group commit skips them). */
  noSavepoint?: boolean;
  /** wal_autocheckpoint 0 on the writer; a worker thread checkpoints (PASSIVE) after every commit. */
  checkpointThread?: boolean;
  /**
   * wal_autocheckpoint 0; the writer runs `PRAGMA wal_checkpoint(PASSIVE)` itself after every N commits
   * (about what automatic checkpoints do), timed apart: wall and CPU time of the checkpoints alone.
   */
  timedCheckpointEvery?: number;
  /** With `checkpointThread`: the writer's own wal_autocheckpoint (default 0: the thread alone). */
  writerAutocheckpoint?: number;
  /** Requests per commit (default 4, what group commit gathered at 8 connections). */
  perCommit?: number;
}

/**
 * The served writer (sqlite-dialect.ts insertMetrics): multi-row INSERTs in chunks of 64·k rows, the run id
 * bound once when every row belongs to one run (a request's rows do), else per row. The commit-sorted
 * variants hand it the rows of several runs: bound once, they would all land in the first run (and those
 * variants measured ~+30 % that was not there).
 */
const served: Writer = (db) => {
  const oneRun = multiValuesOneRun(by64Chunk, true)(db);
  const perRowRun = multiValuesChunked(by64Chunk, true)(db);
  return (rows) => {
    const run = rows[0]?.run_uuid;
    return rows.every((r) => r.run_uuid === run) ? oneRun(rows) : perRowRun(rows);
  };
};

const FK_OFF = ['PRAGMA foreign_keys = OFF'];

const LOG_BATCH_VARIANTS: LogBatchVariant[] = [
  // Baselines.
  // As served: the write thread's connection (foreign keys off, INSERT OR IGNORE), checkpoint thread, the
  // writer's safety-valve checkpoint at 40000 pages, no savepoints. Without the history segments' upkeep
  // (sqlite-metric-segments.ts: a few single-row statements and one 10-row INSERT per request).
  {
    label: 'as served',
    setup: FK_OFF,
    checkpointThread: true,
    writerAutocheckpoint: 40000,
    noSavepoint: true,
  },
  {
    label: 'as served before a3d022c (foreign keys on, ON CONFLICT DO NOTHING: a statement journal)',
    checkpointThread: true,
    writerAutocheckpoint: 40000,
    noSavepoint: true,
    writer: multiValuesOneRun(by64Chunk),
  },
  {
    label: 'as served + a savepoint per unit',
    setup: FK_OFF,
    checkpointThread: true,
    writerAutocheckpoint: 40000,
  },
  {
    label: 'as served + a savepoint per unit, prepared',
    setup: FK_OFF,
    checkpointThread: true,
    writerAutocheckpoint: 40000,
    preparedSavepoints: true,
  },
  {
    label: 'as served + the run id bound per row',
    setup: FK_OFF,
    checkpointThread: true,
    writerAutocheckpoint: 40000,
    noSavepoint: true,
    writer: multiValuesChunked(by64Chunk, true),
  },
  { label: 'without checkpoint thread, a savepoint per unit (served before that)' },
  { label: 'one INSERT per row (served before)', writer: perRow },
  { label: 'bare INSERTs (no savepoint, run check, latest_metrics)', bare: true },
  // Statement shape of the metric INSERT.
  { label: 'json_each, one statement per request', writer: jsonEach },
  { label: 'multi-row VALUES, 100 rows per statement', writer: multiValues(100) },
  { label: 'multi-row VALUES, 250 rows per statement', writer: multiValues(250) },
  { label: 'multi-row VALUES, 1000 rows per statement', writer: multiValues(1000) },
  { label: 'multi-row VALUES, power-of-two chunks up to 512', writer: multiValuesChunked(pow2Chunk) },
  { label: 'multi-row VALUES padded to a power of two, one statement per request', writer: paddedValues },
  // What the indexes and constraints cost (reference only: MLflow's stay).
  {
    label: 'with the history index mlflow_ts_metrics_run_key_step (served before the segments)',
    setup: [
      'CREATE INDEX mlflow_ts_metrics_run_key_step ON metrics (run_uuid, key, step, timestamp, value, is_nan)',
    ],
  },
  { label: 'without MLflow index index_metrics_run_uuid', setup: ['DROP INDEX index_metrics_run_uuid'] },
  { label: 'foreign_keys OFF (reference only)', setup: ['PRAGMA foreign_keys = OFF'] },
  // The unit around the INSERT.
  // Row order.
  { label: 'step-major requests', bodyOrder: 'step-major' },
  { label: 'step-major requests sorted by primary key', bodyOrder: 'step-major', sort: byPrimaryKey },
  { label: 'step-major requests sorted by history index', bodyOrder: 'step-major', sort: byHistoryIndex },
  { label: 'commit sorted by primary key (reference only)', commitSort: byPrimaryKey },
  { label: 'commit sorted by history index (reference only)', commitSort: byHistoryIndex },
  // Pragmas and page size.
  { label: 'page_size 8192', pageSize: 8192 },
  { label: 'page_size 16384', pageSize: 16384 },
  {
    label: 'page_size 8192 + wal_autocheckpoint 5000 (same WAL bytes as served)',
    pageSize: 8192,
    setup: ['PRAGMA wal_autocheckpoint = 5000'],
  },
  { label: 'cache_size 16 MB', setup: ['PRAGMA cache_size = -16384'] },
  { label: 'cache_size 256 MB', setup: ['PRAGMA cache_size = -262144'] },
  { label: 'mmap_size 1 GB', setup: ['PRAGMA mmap_size = 1073741824'] },
  { label: 'wal_autocheckpoint 20000', setup: ['PRAGMA wal_autocheckpoint = 20000'] },
  { label: 'wal_autocheckpoint 40000', setup: ['PRAGMA wal_autocheckpoint = 40000'] },
  // Checkpoints.
  {
    label: 'no automatic checkpoint (reference only: the WAL grows)',
    setup: ['PRAGMA wal_autocheckpoint = 0'],
  },
  { label: 'timed checkpoints every 36 commits (~40 MB of WAL)', timedCheckpointEvery: 36 },
  { label: 'checkpoints on a worker thread', checkpointThread: true },
  { label: 'page_size 8192 + checkpoint thread', pageSize: 8192, checkpointThread: true },
  {
    label: 'checkpoint thread + the history index',
    setup: [
      'CREATE INDEX mlflow_ts_metrics_run_key_step ON metrics (run_uuid, key, step, timestamp, value, is_nan)',
    ],
    checkpointThread: true,
  },
  {
    label: 'checkpoint thread + foreign_keys OFF',
    setup: ['PRAGMA foreign_keys = OFF'],
    checkpointThread: true,
  },
  { label: 'checkpoint thread + bare INSERTs', bare: true, checkpointThread: true },
  // The writer's own automatic checkpoint beside the thread. Without one the WAL never restarts under a
  // steady stream of commits (the thread is always a commit behind) and grows without bound, each new frame
  // extending the file; journal_size_limit truncates the WAL after each restart.
  {
    label: 'checkpoint thread + writer autocheckpoint 40000 + journal_size_limit 512 MB',
    checkpointThread: true,
    writerAutocheckpoint: 40000,
    setup: ['PRAGMA journal_size_limit = 536870912'],
  },
  {
    label: 'checkpoint thread + writer autocheckpoint 10000',
    checkpointThread: true,
    writerAutocheckpoint: 10000,
  },
  {
    label: 'checkpoint thread + writer autocheckpoint 1000',
    checkpointThread: true,
    writerAutocheckpoint: 1000,
  },
  { label: 'checkpoint thread + 8 requests per commit', perCommit: 8, checkpointThread: true },
  { label: 'checkpoint thread + 2 requests per commit', perCommit: 2, checkpointThread: true },
  {
    label: 'checkpoint thread + commit sorted by primary key, bare',
    commitSort: byPrimaryKey,
    checkpointThread: true,
  },
  {
    label: 'checkpoint thread + cache_size 256 MB',
    setup: ['PRAGMA cache_size = -262144'],
    checkpointThread: true,
  },
  {
    label: 'checkpoint thread + mmap_size 1 GB',
    setup: ['PRAGMA mmap_size = 1073741824'],
    checkpointThread: true,
  },
  {
    label: 'checkpoint thread + a history index on (run_uuid, key, step) only',
    setup: ['CREATE INDEX narrow_history ON metrics (run_uuid, key, step)'],
    checkpointThread: true,
  },
  {
    label: 'page_size 8192 + cache_size 16 MB + checkpoint thread',
    pageSize: 8192,
    setup: ['PRAGMA cache_size = -16384'],
    checkpointThread: true,
  },
];

/** A worker thread that runs a PASSIVE checkpoint on its own connection whenever it is sent a message. */
function startCheckpointer(path: string): { notify(): void; stop(): Promise<void> } {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const Database = require(workerData.module);
    const db = new Database(workerData.path);
    db.pragma('busy_timeout = 10000');
    let pending = false, running = false;
    const run = () => {
      running = true;
      while (pending) { pending = false; db.pragma('wal_checkpoint(PASSIVE)'); }
      running = false;
    };
    parentPort.on('message', (m) => {
      if (m === 'stop') { db.close(); parentPort.close(); return; }
      pending = true;
      if (!running) run();
    });`;
  const worker = new Worker(code, {
    eval: true,
    workerData: { path, module: createRequire(import.meta.url).resolve('better-sqlite3') },
  });
  return {
    notify: () => worker.postMessage('commit'),
    stop: async () => {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.postMessage('stop');
      await exited;
    },
  };
}

/**
 * The log-batch writer path without the server: 4 requests of 1,000 rows per commit (`perCommit`), each
 * request a unit as the server runs it (run check, metric INSERTs, latest_metrics upsert; some variants put a
 * SAVEPOINT/RELEASE around it), in variants (statement shape, row order, page size, pragmas, checkpoints).
 * `--only TEXT` picks variants by label.
 *
 * The box is shared, so the variants run interleaved: every variant's database grows by `ROUND` commits in
 * turn, 350 commits unmeasured (1.4M rows), then `--rounds N` (20) measured rounds of `ROUND` commits each,
 * ending near 2.2M rows, about what the server holds after a log-batch run. Each variant reports the mean
 * (what a server would see; includes the rounds with an automatic checkpoint), the median round and the
 * mean of its faster half (another process's burst lands on a few rounds of some variant; checkpoints too),
 * per wall-clock and per CPU second of this process (a checkpoint thread's CPU is in the latter), and the
 * share of wall time spent in COMMIT (where automatic checkpoints run).
 */
const ROUND = 10;
const WARMUP_COMMITS = 350;

export async function sqliteLogBatch(dir: string, only: string[], rounds: number): Promise<void> {
  const chosen = LOG_BATCH_VARIANTS.filter((v) => only.length === 0 || only.some((o) => v.label.includes(o)));
  const ts0 = Date.now();
  const states = chosen.map((v) => {
    const name = v.label.replace(/\W+/g, '_');
    const db = sqliteDb(dir, name, 16, v.pageSize);
    for (const s of v.setup ?? []) db.exec(s);
    let checkpointer: ReturnType<typeof startCheckpointer> | undefined;
    if (v.timedCheckpointEvery) db.pragma('wal_autocheckpoint = 0');
    if (v.checkpointThread) {
      db.pragma(`wal_autocheckpoint = ${v.writerAutocheckpoint ?? 0}`);
      checkpointer = startCheckpointer(join(dir, `${name}.db`));
    }
    const savepoint = v.preparedSavepoints ? db.prepare('SAVEPOINT unit') : undefined;
    const release = v.preparedSavepoints ? db.prepare('RELEASE unit') : undefined;
    const runCheck = db.prepare('SELECT * FROM runs WHERE run_uuid = ?');
    const upserts = new Map<number, BetterSqlite3.Statement>();
    const unit = (write: () => void, rows: Row[]) => {
      if (v.noSavepoint) {
        // no savepoint
      } else if (savepoint) savepoint.run();
      else db.exec('SAVEPOINT unit');
      runCheck.get(rows[0]!.run_uuid);
      write();
      const latest = new Map<string, Row>();
      for (const r of rows) {
        const cur = latest.get(r.key);
        if (!cur || r.step > cur.step || (r.step === cur.step && r.timestamp > cur.timestamp))
          latest.set(r.key, r);
      }
      const args: unknown[] = [];
      for (const r of latest.values())
        args.push(r.key, r.value, r.timestamp, r.step, r.is_nan ? 1 : 0, r.run_uuid);
      let upsert = upserts.get(latest.size);
      if (!upsert) {
        upsert = db.prepare(latestMetricsUpsert(latest.size));
        upserts.set(latest.size, upsert);
      }
      upsert.run(args);
      if (v.noSavepoint) {
        // no savepoint
      } else if (release) release.run();
      else db.exec('RELEASE unit');
    };
    return {
      v,
      db,
      write: (v.writer ?? served)(db),
      unit,
      checkpointer,
      n: 0,
      wall: [] as number[],
      cpu: [] as number[],
      commitNs: 0n,
      commits: 0,
      checkpointNs: 0n,
      checkpointCpuUs: 0,
    };
  });
  const commit = (st: (typeof states)[number]) => {
    // Row objects as the server holds them (MetricRow), built inside the measured time for every variant.
    const requests: Row[][] = [];
    for (let u = 0; u < (st.v.perCommit ?? 4); u++, st.n++) {
      const n = st.n;
      const run = runId(n % 16);
      const first = Math.floor(n / 16) * 100;
      const rows: Row[] = [];
      for (let i = 0; i < 1000; i++) {
        const [k, s] =
          st.v.bodyOrder === 'step-major' ? [i % 10, Math.floor(i / 10)] : [Math.floor(i / 100), i % 100];
        rows.push({
          key: `train/metric_${k}`,
          value: Math.random(),
          // As bench/workloads/log-batch.ts: each request's steps at Date.now() + step slot, requests ~7 ms
          // apart (~150 requests/s), so the timestamps of requests in flight overlap.
          timestamp: ts0 + Math.floor(n * 6.7) + s,
          run_uuid: run,
          step: first + s,
          is_nan: false,
        });
      }
      requests.push(rows);
    }
    st.db.exec('BEGIN IMMEDIATE');
    if (st.v.commitSort) {
      st.write(requests.flat().sort(st.v.commitSort));
    } else {
      for (const rows of requests) {
        if (st.v.sort) rows.sort(st.v.sort);
        if (st.v.bare) st.write(rows);
        else st.unit(() => st.write(rows), rows);
      }
    }
    const t = process.hrtime.bigint();
    st.db.exec('COMMIT');
    st.commitNs += process.hrtime.bigint() - t;
    st.checkpointer?.notify();
    st.commits++;
    if (st.v.timedCheckpointEvery && st.commits % st.v.timedCheckpointEvery === 0) {
      const wall = process.hrtime.bigint();
      const cpu = process.cpuUsage();
      st.db.pragma('wal_checkpoint(PASSIVE)');
      const used = process.cpuUsage(cpu);
      st.checkpointNs += process.hrtime.bigint() - wall;
      st.checkpointCpuUs += used.user + used.system;
    }
  };
  for (let r = 0; r < WARMUP_COMMITS / ROUND + rounds; r++) {
    for (const st of states) {
      const wall = process.hrtime.bigint();
      const cpu = process.cpuUsage();
      if (r === WARMUP_COMMITS / ROUND) {
        st.commitNs = 0n;
        st.checkpointNs = 0n;
        st.checkpointCpuUs = 0;
      }
      // Same rows per round whatever the commit size.
      for (let c = 0; c < (ROUND * 4) / (st.v.perCommit ?? 4); c++) commit(st);
      if (r < WARMUP_COMMITS / ROUND) continue;
      const used = process.cpuUsage(cpu);
      st.wall.push(Number(process.hrtime.bigint() - wall) / 1e9);
      st.cpu.push((used.user + used.system) / 1e6);
    }
    // Let the checkpoint threads' messages through.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const points = ROUND * 4000; // rows per round, whatever the commit size
  const stats = (secs: number[]) => {
    const sorted = [...secs].sort((a, b) => a - b);
    const half = sorted.slice(0, Math.ceil(sorted.length / 2));
    const fmt = (s: number) => Math.round(points / s).toLocaleString();
    const mean = secs.reduce((a, b) => a + b) / secs.length;
    return `mean ${fmt(mean)}, median ${fmt(sorted[Math.floor(sorted.length / 2)]!)}, faster half ${fmt(half.reduce((a, b) => a + b) / half.length)}`;
  };
  for (const st of states) {
    await st.checkpointer?.stop();
    const rows = (st.db.prepare('SELECT count(*) AS n FROM metrics').get() as { n: number }).n;
    if (rows !== st.n * 1000) throw new Error(`${st.v.label}: ${rows} rows stored, ${st.n * 1000} written`);
    const wallTotal = st.wall.reduce((a, b) => a + b);
    const walMb = statSync(join(dir, `${st.v.label.replace(/\W+/g, '_')}.db-wal`)).size / 2 ** 20;
    console.log(
      `sqlite log-batch, ${st.v.label}: points/s ${stats(st.wall)}; per CPU second ${stats(st.cpu)}; ` +
        `COMMIT ${((100 * Number(st.commitNs)) / 1e9 / wallTotal).toFixed(0)} % of wall; ` +
        `WAL ${walMb.toFixed(0)} MB` +
        (st.v.timedCheckpointEvery
          ? `; checkpoints ${((100 * Number(st.checkpointNs)) / 1e9 / wallTotal).toFixed(0)} % of wall, ` +
            `their CPU ${((100 * st.checkpointCpuUs) / 1e6 / wallTotal).toFixed(0)} % of wall`
          : ''),
    );
    st.db.close();
  }
}
