/**
 * Where a metric history's rows are read from. PostgreSQL: the metrics table through its history index.
 * SQLite: through the history segments (sqlite-metric-segments.ts) when their mark holds — checked inside
 * the same statement, so one snapshot decides — and otherwise as MLflow reads it, from the run's rows.
 */
import { type RawBuilder, sql } from 'kysely';
import type { SqlDialect } from './dialect.ts';
import { SEGMENTS_MARK_TABLE, SEGMENTS_TABLE } from './sqlite-metric-segments.ts';

/** 1 when the segments cover exactly the rows the table holds now, else 0 (the mark: sqlite-metric-segments.ts). */
export const SEGMENTS_HOLD = sql<number>`(SELECT count(*) FROM ${sql.table(SEGMENTS_MARK_TABLE)} k
  WHERE k.id = 1 AND k.schema_version = (SELECT schema_version FROM pragma_schema_version)
    AND k.last_rowid = coalesce((SELECT max(rowid) FROM metrics), 0)
    AND (k.last_rowid = 0 OR EXISTS (SELECT 1 FROM metrics t WHERE t.rowid = k.last_rowid
      AND t.run_uuid = k.run_uuid AND t.key = k.key AND t.step = k.step AND t.timestamp = k.timestamp
      AND t.value = k.value)))`;

export interface PlannedSegment {
  lo: number;
  hi: number;
  n: number;
  first_step: number;
  first_timestamp: number;
  last_step: number;
  last_timestamp: number;
  ordered: number;
}

/**
 * How to read one (run, key) history on SQLite, decided in one snapshot: null when the segments do not
 * hold (read the table), else its segments in rowid order, their point count, and whether reading them in
 * rowid order already gives history order (each segment ordered, each starting after the previous ends).
 */
export interface HistoryPlan {
  count: number;
  /** The segments, by rowid. */
  segments: { lo: number; hi: number; n: number }[];
  /** The last rowid any segment reached when planned: rows written later are not part of this read. */
  maxRowid: number;
  ordered: boolean;
}

export async function planHistory(
  dialect: SqlDialect,
  runId: string,
  key: string,
): Promise<HistoryPlan | null> {
  const { rows } = await sql<{ ok: number } & Partial<PlannedSegment>>`
    WITH ok(ok) AS (SELECT ${SEGMENTS_HOLD})
    SELECT ok.ok, s.lo, s.hi, s.n, s.first_step, s.first_timestamp, s.last_step, s.last_timestamp, s.ordered
    FROM ok LEFT JOIN ${sql.table(SEGMENTS_TABLE)} s ON ok.ok = 1 AND s.run_uuid = ${runId} AND s.key = ${key}
    ORDER BY s.lo`.execute(dialect.db);
  if (!rows[0]?.ok) return null;
  let count = 0;
  let maxRowid = 0;
  let ordered = true;
  let prev: PlannedSegment | undefined;
  const segments: HistoryPlan['segments'] = [];
  for (const r of rows) {
    if (r.lo === null || r.lo === undefined) continue;
    const s = r as PlannedSegment;
    segments.push({ lo: s.lo, hi: s.hi, n: s.n });
    count += s.n;
    maxRowid = Math.max(maxRowid, s.hi);
    if (
      s.ordered !== 1 ||
      (prev &&
        !(
          s.first_step > prev.last_step ||
          (s.first_step === prev.last_step && s.first_timestamp > prev.last_timestamp)
        ))
    ) {
      ordered = false;
    }
    prev = s;
  }
  return { count, segments, maxRowid, ordered };
}

/**
 * Rowid intervals that together cover the plan's segments in order, each spanning at most `rows` rows of the
 * table (so at most that many points): the chunks an ordered history is read in.
 */
export function rowidChunks(plan: HistoryPlan, rows: number): { from: number; to: number }[] {
  const chunks: { from: number; to: number }[] = [];
  let open: { from: number; to: number; size: number } | undefined;
  for (const s of plan.segments) {
    for (let lo = s.lo; lo <= s.hi; ) {
      if (!open || open.size >= rows) {
        if (open) chunks.push({ from: open.from, to: open.to });
        open = { from: lo, to: lo, size: 0 };
      }
      const take = Math.min(s.hi - lo + 1, rows - open.size);
      open.to = lo + take - 1;
      open.size += take;
      lo += take;
    }
  }
  if (open) chunks.push({ from: open.from, to: open.to });
  return chunks;
}

/**
 * The rows of one history through its segments, up to `maxRowid`, as `m`: the caller adds conditions on
 * m's columns and the order. In segment order the scan yields rows by rowid. `+m.run_uuid`, `+m.key`:
 * each segment is a rowid range of the table, walked in place — not through `index_metrics_run_uuid`
 * with a table lookup per row, nor (as SQLite picks on a large table) every run's rows of the key by
 * MLflow's primary key, once per segment.
 */
export function segmentRows(runId: string, key: string, maxRowid: number, columns: RawBuilder<unknown>) {
  return sql`SELECT ${columns} FROM ${sql.table(SEGMENTS_TABLE)} s
    CROSS JOIN metrics m ON m.rowid BETWEEN s.lo AND min(s.hi, ${sql.lit(Math.trunc(maxRowid))})
    WHERE s.run_uuid = ${runId} AND s.key = ${key} AND s.lo <= ${sql.lit(Math.trunc(maxRowid))}
      AND +m.run_uuid = ${runId} AND +m.key = ${key}`;
}

/**
 * A subquery of every point of `key` in the given runs (columns run_uuid, key, value, timestamp, step,
 * is_nan), restricted to steps in range when given: on SQLite through the segments when they hold, else
 * the table, chosen inside the statement.
 */
export function historyRowsOfRuns(
  dialect: SqlDialect,
  runIds: readonly string[],
  key: string,
  steps?: { start: number; end: number },
): RawBuilder<unknown> {
  const ids = sql.join([...runIds]);
  const stepsOf = (alias: string) =>
    steps
      ? sql`AND ${sql.ref(`${alias}.step`)} >= ${steps.start} AND ${sql.ref(`${alias}.step`)} <= ${steps.end}`
      : sql``;
  if (dialect.name !== 'sqlite') {
    return sql`SELECT run_uuid, key, value, timestamp, step, is_nan FROM metrics t
      WHERE t.key = ${key} AND t.run_uuid IN (${ids}) ${stepsOf('t')}`;
  }
  // A segment wholly outside the step range is skipped without reading its rows.
  const segmentSteps = steps
    ? sql`AND s.last_step >= ${steps.start} AND s.first_step <= ${steps.end}`
    : sql``;
  // The choice is a one-row table joined first: SQLite then tests it once, before the loop over rows
  // (a scalar subquery in WHERE is tested per row, after the table path's scan was done).
  // `+t.key`: the run's rows by index_metrics_run_uuid, not every run's rows of the key by the primary key.
  return sql`SELECT m.run_uuid, m.key, m.value, m.timestamp, m.step, m.is_nan
      FROM (SELECT ${SEGMENTS_HOLD} AS ok LIMIT 1) AS hold CROSS JOIN ${sql.table(SEGMENTS_TABLE)} s
        CROSS JOIN metrics m ON m.rowid BETWEEN s.lo AND s.hi
      WHERE hold.ok = 1 AND s.key = ${key} AND s.run_uuid IN (${ids}) ${segmentSteps}
        AND +m.run_uuid = s.run_uuid AND +m.key = s.key ${stepsOf('m')}
    UNION ALL
    SELECT t.run_uuid, t.key, t.value, t.timestamp, t.step, t.is_nan
      FROM (SELECT ${SEGMENTS_HOLD} AS ok LIMIT 1) AS hold CROSS JOIN metrics t
      WHERE hold.ok = 0 AND t.run_uuid IN (${ids}) AND +t.key = ${key} ${stepsOf('t')}`;
}
