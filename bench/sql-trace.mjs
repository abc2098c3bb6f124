// Preloaded into the server process (`node --import bench/sql-trace.mjs`) by `bench/run.ts --sql-trace`:
// times every better-sqlite3 statement (prepare, run, get, all, iterate, exec) and every pg query by SQL
// text, in 1-second buckets of CLOCK_MONOTONIC (the same clock as the bench's load window), and writes them
// to $MLFLOW_TS_BENCH_SQL_TRACE when the server exits. Instrumentation only: the server's code is unchanged.
// Plain JS so the server does not need the tsx loader.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const out = process.env.MLFLOW_TS_BENCH_SQL_TRACE;
/** key ("op sql") -> second -> [calls, ns, max ns, calls over 10 ms] */
const stats = new Map();

function record(op, sql, startNs) {
  const end = process.hrtime.bigint();
  const key = `${op} ${String(sql).replace(/\s+/g, ' ').trim()}`;
  const second = Number(end / 1_000_000_000n);
  let buckets = stats.get(key);
  if (!buckets) {
    buckets = new Map();
    stats.set(key, buckets);
  }
  const b = buckets.get(second) ?? [0, 0, 0, 0];
  const ns = Number(end - startNs);
  b[0] += 1;
  b[1] += ns;
  b[2] = Math.max(b[2], ns);
  if (ns > 10_000_000) b[3] += 1;
  buckets.set(second, b);
}

function timed(proto, op, sqlOf) {
  const original = proto[op];
  proto[op] = function (...args) {
    const start = process.hrtime.bigint();
    try {
      return original.apply(this, args);
    } finally {
      record(op, sqlOf(this, args), start);
    }
  };
}

try {
  const Database = require('better-sqlite3');
  const probe = new Database(':memory:');
  const Statement = Object.getPrototypeOf(probe.prepare('select 1'));
  probe.close();
  for (const op of ['run', 'get', 'all']) timed(Statement, op, (stmt) => stmt.source);
  const iterate = Statement.iterate;
  Statement.iterate = function* (...args) {
    const start = process.hrtime.bigint();
    try {
      yield* iterate.apply(this, args);
    } finally {
      record('iterate', this.source, start);
    }
  };
  timed(Database.prototype, 'prepare', (_db, args) => args[0]);
  timed(Database.prototype, 'exec', (_db, args) => args[0]);
} catch {
  // better-sqlite3 not loadable: nothing to trace there.
}

try {
  const pg = require('pg');
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (config, values, callback) {
    const sql = typeof config === 'string' ? config : config?.text;
    const start = process.hrtime.bigint();
    const result = query.call(this, config, values, callback);
    if (result && typeof result.then === 'function') {
      return result.then(
        (r) => {
          record('pg', sql, start);
          return r;
        },
        (err) => {
          record('pg', sql, start);
          throw err;
        },
      );
    }
    return result;
  };
} catch {
  // pg not loadable.
}

process.once('exit', () => {
  if (!out) return;
  const json = {};
  for (const [key, buckets] of stats) json[key] = Object.fromEntries(buckets);
  writeFileSync(out, JSON.stringify(json));
});
