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

/** Segments per INSERT statement (10 columns each: well under SQLite's 32,766 parameters). */
const INSERT_CHUNK = 64;

/** Histories whose last segment a writer connection keeps in memory. */
const MAX_CACHED_SEGMENTS = 100_000;

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

/** A metric row as segmenting reads it. */
export interface PointRow extends LastRow {
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

/** The inner map of `outer` for `run`, made on first use. */
function byRunOf<V>(outer: Map<string, Map<string, V>>, run: string): Map<string, V> {
  let inner = outer.get(run);
  if (!inner) {
    inner = new Map();
    outer.set(run, inner);
  }
  return inner;
}

/** Whether (step, timestamp) comes after (afterStep, afterTimestamp). */
function laterThan(step: number, timestamp: number, afterStep: number, afterTimestamp: number): boolean {
  return step > afterStep || (step === afterStep && timestamp > afterTimestamp);
}

/**
 * A request's rows in insertion order: grouped by (run, key), each group in history order. `starts` holds
 * each group's first index in `rows`, then `rows.length`.
 */
export interface GroupedRows {
  rows: readonly MetricRow[];
  starts: number[];
}

/**
 * Orders a request's rows for insertion (GroupedRows). Rows that already come so — a training loop's
 * flush of key after key, steps ascending — are used as they are, in one pass.
 */
export function groupInHistoryOrder(rows: readonly MetricRow[]): GroupedRows {
  const starts: number[] = [];
  const seen = new Map<string, Map<string, true>>();
  let inPlace = true;
  for (let i = 0; i < rows.length && inPlace; i++) {
    const r = rows[i]!;
    const p = rows[i - 1];
    if (p && p.run_uuid === r.run_uuid && p.key === r.key) {
      inPlace = compareHistory(p, r) <= 0;
      continue;
    }
    // A group starts: it must be one not met before.
    const keys = byRunOf(seen, r.run_uuid);
    inPlace = !keys.has(r.key);
    keys.set(r.key, true);
    starts.push(i);
  }
  if (inPlace) {
    starts.push(rows.length);
    return { rows, starts };
  }
  // By run, then by key: the rows' own strings as map keys, no id string built per row.
  const byRun = new Map<string, Map<string, MetricRow[]>>();
  const groups: MetricRow[][] = [];
  for (const r of rows) {
    const byKey = byRunOf(byRun, r.run_uuid);
    let g = byKey.get(r.key);
    if (!g) {
      g = [];
      byKey.set(r.key, g);
      groups.push(g);
    }
    g.push(r);
  }
  const out: MetricRow[] = [];
  const groupStarts: number[] = [];
  for (const g of groups) {
    let sorted = true;
    for (let i = 1; i < g.length && sorted; i++) sorted = compareHistory(g[i - 1]!, g[i]!) <= 0;
    if (!sorted) g.sort(compareHistory);
    groupStarts.push(out.length);
    for (const r of g) out.push(r);
  }
  groupStarts.push(out.length);
  return { rows: out, starts: groupStarts };
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
      if (laterThan(s.first_step, s.first_timestamp, r.step, r.timestamp)) {
        s.first_step = r.step;
        s.first_timestamp = r.timestamp;
      }
      if (laterThan(r.step, r.timestamp, s.last_step, s.last_timestamp)) {
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
  /**
   * Each history's last segment as this connection last wrote or read it, by run then key: valid only
   * while every metric row since was written by this connection (`marked`), so the segment lookup of
   * every log-batch group is not a query. Cleared when anything else wrote, or when it grows too large.
   */
  private readonly lastSegments = new Map<string, Map<string, Segment>>();
  private lastSegmentCount = 0;
  /**
   * The row this connection last marked (null: none, or a write of ours under way); another writer's
   * rows move the mark away from it.
   */
  private marked: LastRow | undefined | null = null;
  /** Multi-row segment INSERTs by row count. */
  private readonly insertMany = new Map<number, BetterSqlite3.Statement>();
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
      forgetRun: h.prepare<[string]>(`DELETE FROM ${SEGMENTS_TABLE} WHERE run_uuid = ?`),
      schemaVersion: h.prepare<[], { schema_version: number }>('PRAGMA schema_version'),
    };
  }

  private schemaVersion(): number {
    return this.stmts.schemaVersion.get()!.schema_version;
  }

  private writeMark(last: LastRow | undefined): void {
    this.marked = last;
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
    if (
      !mark ||
      this.marked === null ||
      !sameRow(mark, this.marked) ||
      this.lastSegmentCount > MAX_CACHED_SEGMENTS
    ) {
      this.forgetCached();
    }
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

  private forgetCached(): void {
    this.lastSegments.clear();
    this.lastSegmentCount = 0;
  }

  private segmentRowsAfter(rowid: number): void {
    // Segments made here are not remembered: the cache must not hold an older last segment.
    this.forgetCached();
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
   * Records the rows just inserted after rowid `before` (`grouped` as they were inserted), of which
   * `inserted` were stored (the rest were points already there); `lastRowid` is the rowid the last
   * stored row got.
   */
  record(grouped: GroupedRows, before: number, inserted: number, lastRowid: number): void {
    if (inserted === 0) return;
    // Until the mark is written, the remembered segments may be ahead of the database (a statement below
    // failing rolls the unit back): a mark that no longer matches makes the next sync forget them.
    this.marked = null;
    const { rows, starts } = grouped;
    if (lastRowid !== before + inserted) {
      // Not the rowids the table hands out when it appends (max + 1): rebuild from the table.
      this.rebuild();
      return;
    }
    if (inserted < rows.length) {
      // Some points were already stored, so which rowid each row got is not known: read them back.
      this.segmentRowsAfter(before);
      this.writeMark(this.stmts.lastRow.get());
      return;
    }
    const fresh: Segment[] = [];
    for (let i = 0; i + 1 < starts.length; i++) {
      const s = this.segmentOf(rows, starts[i]!, starts[i + 1]!, before + 1 + starts[i]!);
      if (s) fresh.push(s);
    }
    this.insertSegments(fresh);
    const last = rows[rows.length - 1]!;
    this.writeMark({
      rowid: lastRowid,
      run_uuid: last.run_uuid,
      key: last.key,
      step: last.step,
      timestamp: last.timestamp,
      value: last.value,
    });
  }

  /**
   * The segment for rows[from, to) stored at rowids lo…: extends the history's last segment instead (and
   * returns nothing) when the rows continue it in order within DENSITY.
   */
  private segmentOf(rows: readonly MetricRow[], from: number, to: number, lo: number): Segment | undefined {
    const first = rows[from]!;
    const lastRow = rows[to - 1]!;
    const n = to - from;
    const hi = lo + n - 1;
    const prev = this.latestSegment(first.run_uuid, first.key);
    if (
      prev &&
      prev.ordered === 1 &&
      (prev.n + n) * DENSITY >= hi - prev.lo + 1 &&
      laterThan(first.step, first.timestamp, prev.last_step, prev.last_timestamp)
    ) {
      this.stmts.extend.run({
        run_uuid: prev.run_uuid,
        key: prev.key,
        lo: prev.lo,
        hi,
        n: prev.n + n,
        last_step: lastRow.step,
        last_timestamp: lastRow.timestamp,
      });
      prev.hi = hi;
      prev.n += n;
      prev.last_step = lastRow.step;
      prev.last_timestamp = lastRow.timestamp;
      return undefined;
    }
    return this.remember({
      run_uuid: first.run_uuid,
      key: first.key,
      lo,
      hi,
      n,
      first_step: first.step,
      first_timestamp: first.timestamp,
      last_step: lastRow.step,
      last_timestamp: lastRow.timestamp,
      ordered: 1,
    });
  }

  private latestSegment(run: string, key: string): Segment | undefined {
    const cached = this.lastSegments.get(run)?.get(key);
    if (cached) return cached;
    const found = this.stmts.latest.get(run, key);
    return found ? this.remember(found) : undefined;
  }

  private remember(s: Segment): Segment {
    const byKey = byRunOf(this.lastSegments, s.run_uuid);
    if (!byKey.has(s.key)) this.lastSegmentCount++;
    byKey.set(s.key, s);
    return s;
  }

  /** One multi-row INSERT per (up to) INSERT_CHUNK segments. */
  private insertSegments(segments: readonly Segment[]): void {
    for (let at = 0; at < segments.length; at += INSERT_CHUNK) {
      const part = segments.slice(at, at + INSERT_CHUNK);
      let stmt = this.insertMany.get(part.length);
      if (!stmt) {
        stmt = this.handle.prepare(
          `INSERT INTO ${SEGMENTS_TABLE} (run_uuid, key, lo, hi, n, first_step, first_timestamp, last_step, last_timestamp, ordered)
           VALUES ${Array(part.length).fill('(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        );
        this.insertMany.set(part.length, stmt);
      }
      const args: unknown[] = [];
      for (const s of part) {
        args.push(
          s.run_uuid,
          s.key,
          s.lo,
          s.hi,
          s.n,
          s.first_step,
          s.first_timestamp,
          s.last_step,
          s.last_timestamp,
          s.ordered,
        );
      }
      stmt.run(args);
    }
  }

  /**
   * After the runs' metric rows were deleted by us (purge; the mark held before, see sync): their segments
   * go too, and the mark moves to the new last row.
   */
  forgetRuns(runIds: readonly string[]): void {
    for (const run of runIds) this.stmts.forgetRun.run(run);
    this.forgetCached();
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
