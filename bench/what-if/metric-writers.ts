/** Ways to insert one request's metric rows on SQLite: the variants `sqlite-log-batch` compares. */
import type BetterSqlite3 from 'better-sqlite3';
import { INSERT_METRIC, type Row } from './setup.ts';

/** `n` six-column VALUES tuples of placeholders. */
export const tuples = (n: number) => Array(n).fill('(?, ?, ?, ?, ?, ?)').join(', ');

/**
 * Rows `from … from + n` into `args` as the metric parameters each, in the served column order: six, or five
 * without `run_uuid` (bound once as `@run`).
 */
function bindRows(rows: Row[], from: number, n: number, args: unknown[], withRun = true): unknown[] {
  const width = withRun ? 6 : 5;
  for (let i = 0, o = 0; i < n; i++, o += width) {
    const r = rows[from + i]!;
    args[o] = r.key;
    args[o + 1] = r.value;
    args[o + 2] = r.timestamp;
    let c = o + 3;
    if (withRun) args[c++] = r.run_uuid;
    args[c] = r.step;
    args[c + 1] = r.is_nan ? 1 : 0;
  }
  return args;
}

/** How one variant of the writer path inserts the rows of one request (all of one run). */
export type Writer = (db: BetterSqlite3.Database) => (rows: Row[]) => void;

export const perRow: Writer = (db) => {
  const insert = db.prepare(INSERT_METRIC);
  return (rows) => {
    for (const r of rows) insert.run(r.key, r.value, r.timestamp, r.run_uuid, r.step, r.is_nan ? 1 : 0);
  };
};

/** One statement per request: the rows as one JSON text, unpacked by json_each (run id bound once). */
export const jsonEach: Writer = (db) => {
  const insert = db.prepare(
    `INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan)
     SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, ?, j.value ->> 3, j.value ->> 4 FROM json_each(?) AS j
     WHERE true ON CONFLICT DO NOTHING`,
  );
  return (rows) => {
    let text = '[';
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      text += `${i === 0 ? '' : ','}[${JSON.stringify(r.key)},${r.value},${r.timestamp},${r.step},${r.is_nan ? 1 : 0}]`;
    }
    insert.run(rows[0]!.run_uuid, `${text}]`);
  };
};

/** Multi-row VALUES: `chunk` rows (6 parameters each) per statement execution. */
export const multiValues =
  (chunk: number): Writer =>
  (db) => {
    const stmt = (n: number) =>
      db.prepare(
        `INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES ${tuples(n)} ON CONFLICT DO NOTHING`,
      );
    const full = stmt(chunk);
    const partial = new Map<number, BetterSqlite3.Statement>();
    const args = new Array<unknown>(chunk * 6);
    return (rows) => {
      for (let start = 0; start < rows.length; start += chunk) {
        const n = Math.min(chunk, rows.length - start);
        const s = n === chunk ? full : (partial.get(n) ?? partial.set(n, stmt(n)).get(n)!);
        const a = n === chunk ? args : new Array<unknown>(n * 6);
        bindRows(rows, start, n, a);
        s.run(a);
      }
    };
  };

/** Power-of-two chunks up to 512 (1,000 rows: 512 + 256 + 128 + 64 + 32 + 8): ≤ 10 shapes. */
export const pow2Chunk = (left: number) => (left >= 512 ? 512 : 2 ** Math.floor(Math.log2(left)));
/** Multiples of 64 up to 1,024, powers of two below 64 (1,000 rows: 960 + 32 + 8): ≤ 22 shapes. */
export const by64Chunk = (left: number) =>
  left >= 1024 ? 1024 : left >= 64 ? left - (left % 64) : 2 ** Math.floor(Math.log2(left));

/** The served statement's verb and tail (`orIgnore`: as since a3d022c, sqlite-dialect.ts INSERT_METRIC_SQL). */
const insertInto = (values: string, orIgnore: boolean) =>
  orIgnore
    ? `INSERT OR IGNORE INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES ${values}`
    : `INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES ${values} ON CONFLICT DO NOTHING`;

/** Multi-row VALUES in chunks of `sizeFor(rows left)` rows, one prepared statement per chunk size. */
export const multiValuesChunked =
  (sizeFor: (left: number) => number, orIgnore = false): Writer =>
  (db) => {
    const statements = new Map<number, BetterSqlite3.Statement>();
    return (rows) => {
      for (let at = 0; at < rows.length; ) {
        const size = sizeFor(rows.length - at);
        let stmt = statements.get(size);
        if (!stmt) {
          stmt = db.prepare(insertInto(tuples(size), orIgnore));
          statements.set(size, stmt);
        }
        const args = bindRows(rows, at, size, new Array<unknown>(size * 6));
        stmt.run(args);
        at += size;
      }
    };
  };

/** As `multiValuesChunked`, the rows of one run: its id bound once as `@run` (the served writer). */
export const multiValuesOneRun =
  (sizeFor: (left: number) => number, orIgnore = false): Writer =>
  (db) => {
    const statements = new Map<number, BetterSqlite3.Statement>();
    return (rows) => {
      const run = rows[0]!.run_uuid;
      for (let at = 0; at < rows.length; ) {
        const size = sizeFor(rows.length - at);
        let stmt = statements.get(size);
        if (!stmt) {
          stmt = db.prepare(insertInto(Array(size).fill('(?, ?, ?, @run, ?, ?)').join(', '), orIgnore));
          statements.set(size, stmt);
        }
        stmt.run(bindRows(rows, at, size, new Array<unknown>(size * 5), false), { run });
        at += size;
      }
    };
  };

/**
 * One statement per request: VALUES of a power-of-two number of rows (16 … 1,024), the rows beyond the
 * request's bound to NULL and cut off by `LIMIT ?` (never produced). At most 7 shapes.
 */
export const paddedValues: Writer = (db) => {
  const statements = new Map<number, BetterSqlite3.Statement>();
  return (rows) => {
    const size = Math.max(16, 2 ** Math.ceil(Math.log2(rows.length)));
    let stmt = statements.get(size);
    if (!stmt) {
      stmt = db.prepare(
        'INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) ' +
          'SELECT column1, column2, column3, column4, column5, column6 FROM (VALUES ' +
          `${tuples(size)}) WHERE true LIMIT ? ON CONFLICT DO NOTHING`,
      );
      statements.set(size, stmt);
    }
    const args = new Array<unknown>(size * 6 + 1).fill(null);
    bindRows(rows, 0, rows.length, args);
    args[size * 6] = rows.length;
    stmt.run(args);
  };
};
