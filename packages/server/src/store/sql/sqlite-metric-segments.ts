/**
 * Where each metric history lives in SQLite's `metrics` table, by rowid range: a history segment says "the
 * points of (run, key) lie in rowids lo…hi, n of them". This is what makes a history readable without an
 * index entry per point.
 *
 * Why: every metric row already updates three B-trees of MLflow's schema (the table, its primary key
 * `(key, timestamp, step, run_uuid, value, is_nan)`, `index_metrics_run_uuid`); an index of our own in
 * history order was a fourth, and log-batch ran ~60 % faster without it (paired server runs,
 * bench/RESULTS.md). Our writers insert each request's points grouped by (run, key) in history order, so
 * a 1,000-point request of 10 keys costs 10 segment rows instead of 1,000 index entries.
 *
 * Segments are kept exact whoever writes the database. A mark row records the last metric row they
 * cover (its rowid and content) and the schema cookie. Every write of ours first checks it against the
 * table's actual last row: rows another writer appended (Python MLflow on the same file) are segmented
 * then ("catch-up"); anything else — the marked row gone or changed, the schema changed (a table rebuilt,
 * VACUUM renumbering rowids) — rebuilds all segments from the table. Readers check the same mark and,
 * when it does not hold, read the way MLflow does.
 *
 * `ordered` segments hold their points in history order (step, timestamp, value, is_nan) by rowid; others
 * (rows another writer appended in any order) must be sorted when read. A segment may be "loose": its range
 * also holds rows of other histories, at most DENSITY times as many as its own, so reading it costs at most
 * that factor over reading its points alone.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { MetricRow } from './dialect.ts';

export const SEGMENTS_TABLE = 'mlflow_ts_metric_segments';
export const SEGMENTS_MARK_TABLE = 'mlflow_ts_metric_segments_mark';

export const SEGMENT_STATEMENTS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS ${SEGMENTS_TABLE} (
    run_uuid VARCHAR(32) NOT NULL,
    key VARCHAR(250) NOT NULL,
    lo INTEGER NOT NULL,
    hi INTEGER NOT NULL,
    n INTEGER NOT NULL,
    first_step INTEGER NOT NULL,
    first_timestamp INTEGER NOT NULL,
    last_step INTEGER NOT NULL,
    last_timestamp INTEGER NOT NULL,
    ordered INTEGER NOT NULL,
    PRIMARY KEY (run_uuid, key, lo)) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS ${SEGMENTS_MARK_TABLE} (
    id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    last_rowid INTEGER NOT NULL,
    run_uuid VARCHAR(32),
    key VARCHAR(250),
    step INTEGER,
    timestamp INTEGER,
    value REAL,
    schema_version INTEGER NOT NULL)`,
];

/** Rows read at a time when segmenting rows already in the table. */
const READ_CHUNK = 10_000;

/** A segment's range holds at most this many rows per row of its own history. */
export const DENSITY = 16;

export interface Segment {
  run_uuid: string;
  key: string;
  lo: number;
  hi: number;
  n: number;
  first_step: number;
  first_timestamp: number;
  last_step: number;
  last_timestamp: number;
  ordered: number;
}

interface LastRow {
  rowid: number;
  run_uuid: string;
  key: string;
  step: number;
  timestamp: number;
  value: number;
}

interface Mark {
  last_rowid: number;
  run_uuid: string | null;
  key: string | null;
  step: number | null;
  timestamp: number | null;
  value: number | null;
  schema_version: number;
}

interface PointRow {
  rowid: number;
  run_uuid: string;
  key: string;
  step: number;
  timestamp: number;
  value: number;
  is_nan: number;
}

/** History order of two points of one (run, key): step, timestamp, value, is_nan. */
export function compareHistory(
  a: { step: number; timestamp: number; value: number; is_nan: number | boolean },
  b: { step: number; timestamp: number; value: number; is_nan: number | boolean },
): number {
  return (
    a.step - b.step || a.timestamp - b.timestamp || a.value - b.value || Number(a.is_nan) - Number(b.is_nan)
  );
}

/** Orders a request's rows for insertion: grouped by (run, key) in order of appearance, each group in history order. */
export function groupInHistoryOrder(rows: readonly MetricRow[]): MetricRow[][] {
  const groups = new Map<string, MetricRow[]>();
  for (const r of rows) {
    const id = `${r.run_uuid}\u0000${r.key}`;
    let g = groups.get(id);
    if (!g) {
      g = [];
      groups.set(id, g);
    }
    g.push(r);
  }
  const out = [...groups.values()];
  for (const g of out) {
    // A training loop's points come in order already: check before sorting.
    let sorted = true;
    for (let i = 1; i < g.length && sorted; i++) sorted = compareHistory(g[i - 1]!, g[i]!) <= 0;
    if (!sorted) g.sort(compareHistory);
  }
  return out;
}

/** Builds segments from rows met in rowid order (catch-up, rebuild, a request whose rows were partly ignored). */
class SegmentBuilder {
  private readonly open = new Map<string, Segment & { last: PointRow }>();

  constructor(private readonly flush: (s: Segment) => void) {}

  add(r: PointRow): void {
    const id = `${r.run_uuid}\u0000${r.key}`;
    const s = this.open.get(id);
    if (s && (s.n + 1) * DENSITY >= r.rowid - s.lo + 1) {
      if (compareHistory(r, s.last) < 0) s.ordered = 0;
      s.hi = r.rowid;
      s.n++;
      if (r.step < s.first_step || (r.step === s.first_step && r.timestamp < s.first_timestamp)) {
        s.first_step = r.step;
        s.first_timestamp = r.timestamp;
      }
      if (r.step > s.last_step || (r.step === s.last_step && r.timestamp > s.last_timestamp)) {
        s.last_step = r.step;
        s.last_timestamp = r.timestamp;
      }
      s.last = r;
      return;
    }
    if (s) this.flush(strip(s));
    this.open.set(id, {
      run_uuid: r.run_uuid,
      key: r.key,
      lo: r.rowid,
      hi: r.rowid,
      n: 1,
      first_step: r.step,
      first_timestamp: r.timestamp,
      last_step: r.step,
      last_timestamp: r.timestamp,
      ordered: 1,
      last: r,
    });
  }

  finish(): void {
    for (const s of this.open.values()) this.flush(strip(s));
    this.open.clear();
  }
}

function strip(s: Segment & { last?: unknown }): Segment {
  const { last: _last, ...segment } = s;
  return segment;
}

/**
 * Segment upkeep on a writer connection; every method runs inside the caller's open transaction (the
 * connection is synchronous, so nothing interleaves).
 */
export class SqliteMetricSegments {
  private readonly stmts: ReturnType<SqliteMetricSegments['prepare']>;
  /** Catch-ups and rebuilds done, for tests and diagnostics. */
  readonly stats = { catchUps: 0, rebuilds: 0 };

  constructor(private readonly handle: BetterSqlite3.Database) {
    this.stmts = this.prepare();
  }

  private prepare() {
    const h = this.handle;
    return {
      lastRow: h.prepare<[], LastRow>(
        'SELECT rowid, run_uuid, key, step, timestamp, value FROM metrics ORDER BY rowid DESC LIMIT 1',
      ),
      rowAt: h.prepare<[number], LastRow>(
        'SELECT rowid, run_uuid, key, step, timestamp, value FROM metrics WHERE rowid = ?',
      ),
      mark: h.prepare<[], Mark>(
        `SELECT last_rowid, run_uuid, key, step, timestamp, value, schema_version FROM ${SEGMENTS_MARK_TABLE} WHERE id = 1`,
      ),
      setMark: h.prepare(
        `INSERT OR REPLACE INTO ${SEGMENTS_MARK_TABLE} (id, last_rowid, run_uuid, key, step, timestamp, value, schema_version)
         VALUES (1, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      after: h.prepare<[number], PointRow>(
        `SELECT rowid, run_uuid, key, step, timestamp, value, is_nan FROM metrics WHERE rowid > ? ORDER BY rowid LIMIT ${READ_CHUNK}`,
      ),
      insert: h.prepare(
        `INSERT INTO ${SEGMENTS_TABLE} (run_uuid, key, lo, hi, n, first_step, first_timestamp, last_step, last_timestamp, ordered)
         VALUES (@run_uuid, @key, @lo, @hi, @n, @first_step, @first_timestamp, @last_step, @last_timestamp, @ordered)`,
      ),
      latest: h.prepare<[string, string], Segment>(
        `SELECT run_uuid, key, lo, hi, n, first_step, first_timestamp, last_step, last_timestamp, ordered
         FROM ${SEGMENTS_TABLE} WHERE run_uuid = ? AND key = ? ORDER BY lo DESC LIMIT 1`,
      ),
      extend: h.prepare(
        `UPDATE ${SEGMENTS_TABLE} SET hi = @hi, n = @n, last_step = @last_step, last_timestamp = @last_timestamp
         WHERE run_uuid = @run_uuid AND key = @key AND lo = @lo`,
      ),
      clear: h.prepare(`DELETE FROM ${SEGMENTS_TABLE}`),
      schemaVersion: h.prepare<[], { schema_version: number }>('PRAGMA schema_version'),
    };
  }

  private schemaVersion(): number {
    return this.stmts.schemaVersion.get()!.schema_version;
  }

  private writeMark(last: LastRow | undefined): void {
    this.stmts.setMark.run(
      last?.rowid ?? 0,
      last?.run_uuid ?? null,
      last?.key ?? null,
      last?.step ?? null,
      last?.timestamp ?? null,
      last?.value ?? null,
      this.schemaVersion(),
    );
  }

  /**
   * Brings the segments up to every row the table holds and returns the table's last rowid (0 when it is
   * empty). Cheap when nobody else wrote: two single-row reads and the schema cookie.
   */
  sync(): number {
    const mark = this.stmts.mark.get();
    const last = this.stmts.lastRow.get();
    const schema = this.schemaVersion();
    if (mark && mark.schema_version === schema) {
      if (sameRow(mark, last)) return last?.rowid ?? 0;
      // Rows appended after the marked one, which is still there as it was: segment just those.
      const marked = mark.last_rowid === 0 ? undefined : this.stmts.rowAt.get(mark.last_rowid);
      if (last && last.rowid > mark.last_rowid && sameRow(mark, marked)) {
        this.segmentRowsAfter(mark.last_rowid);
        this.stats.catchUps++;
        this.writeMark(last);
        return last.rowid;
      }
    }
    this.rebuild();
    return last?.rowid ?? 0;
  }

  /** Every segment again from the table: after anything the mark cannot account for. */
  rebuild(): void {
    this.stmts.clear.run();
    this.segmentRowsAfter(0);
    this.stats.rebuilds++;
    this.writeMark(this.stmts.lastRow.get());
  }

  private segmentRowsAfter(rowid: number): void {
    // In chunks: the connection cannot write while a statement iterates on it.
    const done: Segment[] = [];
    const builder = new SegmentBuilder((s) => done.push(s));
    for (let from = rowid; ; ) {
      const rows = this.stmts.after.all(from);
      for (const r of rows) builder.add(r);
      if (rows.length < READ_CHUNK) break;
      from = rows[rows.length - 1]!.rowid;
      for (const s of done.splice(0)) this.stmts.insert.run(s);
    }
    builder.finish();
    for (const s of done) this.stmts.insert.run(s);
  }

  /**
   * Records the rows just inserted after rowid `before`: `groups` as they were inserted (groupInHistoryOrder),
   * `inserted` of their rows actually stored (the rest were points already there).
   */
  record(groups: readonly MetricRow[][], before: number, inserted: number): void {
    if (inserted === 0) return;
    const total = groups.reduce((n, g) => n + g.length, 0);
    const last = this.stmts.lastRow.get();
    if (!last || last.rowid !== before + inserted) {
      // Not the rowids the table hands out when it appends (max + 1): let the next sync rebuild.
      this.rebuild();
      return;
    }
    if (inserted < total) {
      // Some points were already stored, so which rowid each row got is not known: read them back.
      this.segmentRowsAfter(before);
    } else {
      let lo = before + 1;
      for (const g of groups) {
        this.recordGroup(g, lo);
        lo += g.length;
      }
    }
    this.writeMark(last);
  }

  /** A group's rows at rowids lo…lo+length−1, in history order: extends the history's last segment when it can. */
  private recordGroup(g: readonly MetricRow[], lo: number): void {
    const first = g[0]!;
    const lastRow = g[g.length - 1]!;
    const hi = lo + g.length - 1;
    const prev = this.stmts.latest.get(first.run_uuid, first.key);
    if (
      prev &&
      prev.ordered === 1 &&
      (prev.n + g.length) * DENSITY >= hi - prev.lo + 1 &&
      (first.step > prev.last_step ||
        (first.step === prev.last_step && first.timestamp > prev.last_timestamp))
    ) {
      this.stmts.extend.run({
        run_uuid: prev.run_uuid,
        key: prev.key,
        lo: prev.lo,
        hi,
        n: prev.n + g.length,
        last_step: lastRow.step,
        last_timestamp: lastRow.timestamp,
      });
      return;
    }
    this.stmts.insert.run({
      run_uuid: first.run_uuid,
      key: first.key,
      lo,
      hi,
      n: g.length,
      first_step: first.step,
      first_timestamp: first.timestamp,
      last_step: lastRow.step,
      last_timestamp: lastRow.timestamp,
      ordered: 1,
    });
  }

  /** After rows were deleted by us (runs purged, their segments with them): the mark moves to the new last row. */
  remark(): void {
    this.writeMark(this.stmts.lastRow.get());
  }
}

function sameRow(mark: Mark, row: LastRow | undefined): boolean {
  if (!row) return mark.last_rowid === 0;
  return (
    mark.last_rowid === row.rowid &&
    mark.run_uuid === row.run_uuid &&
    mark.key === row.key &&
    mark.step === row.step &&
    mark.timestamp === row.timestamp &&
    mark.value === row.value
  );
}
