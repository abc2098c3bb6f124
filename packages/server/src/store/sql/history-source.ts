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

/**
 * How to read one (run, key) history on SQLite, decided in one snapshot: null when the segments do not
 * hold (read the table), else its point count, the last rowid its segments reach, and whether reading them
 * in rowid order already gives history order (each segment ordered, each starting after the previous ends).
 */
export interface HistoryPlan {
  count: number;
  /**
   * The segments by rowid, when there are at most PLANNED_SEGMENTS of them. Points logged one at a time
   * by many runs at once each make a segment of their own; such a history is read by rowid keyset instead
   * of loading them all.
   */
  segments?: { lo: number; hi: number; n: number }[];
  /** The last rowid any segment reached when planned: rows written later are not part of this read. */
  maxRowid: number;
  ordered: boolean;
}

/** The most segments a plan loads (HistoryPlan.segments). */
export const PLANNED_SEGMENTS = 4096;

export async function planHistory(
  dialect: SqlDialect,
  runId: string,
  key: string,
  loadLimit = PLANNED_SEGMENTS,
): Promise<HistoryPlan | null> {
  // Ordered: every segment is, and each starts after the one before it (by rowid) ends, by (step, timestamp).
  const { rows } = await sql<{
    ok: number;
    segments: number;
    points: number;
    max_rowid: number;
    ordered: number;
  }>`
    WITH ok(ok) AS (SELECT ${SEGMENTS_HOLD}),
    seg AS (
      SELECT lo, hi, n, ordered, first_step, first_timestamp,
        lag(last_step) OVER (ORDER BY lo) AS prev_step, lag(last_timestamp) OVER (ORDER BY lo) AS prev_ts
      FROM ${sql.table(SEGMENTS_TABLE)} WHERE run_uuid = ${runId} AND key = ${key}
    )
    SELECT ok.ok, count(seg.lo) AS segments, coalesce(sum(seg.n), 0) AS points,
      coalesce(max(seg.hi), 0) AS max_rowid,
      coalesce(min(seg.ordered = 1 AND (seg.prev_step IS NULL OR seg.first_step > seg.prev_step
        OR (seg.first_step = seg.prev_step AND seg.first_timestamp > seg.prev_ts))), 1) AS ordered
    FROM ok LEFT JOIN seg ON ok.ok = 1`.execute(dialect.db);
  const head = rows[0];
  if (!head?.ok) return null;
  const plan: HistoryPlan = { count: head.points, maxRowid: head.max_rowid, ordered: head.ordered === 1 };
  if (plan.ordered && head.segments <= loadLimit) {
    // Another statement: segments written since are left out, and one extended since is cut back to
    // maxRowid (only the history's last segment grows, so the counts before it are as planned).
    const { rows: segments } = await sql<{ lo: number; hi: number; n: number }>`
      SELECT lo, min(hi, ${sql.lit(Math.trunc(plan.maxRowid))}) AS hi, n FROM ${sql.table(SEGMENTS_TABLE)}
      WHERE run_uuid = ${runId} AND key = ${key} AND lo <= ${sql.lit(Math.trunc(plan.maxRowid))}
      ORDER BY lo`.execute(dialect.db);
    plan.segments = segments;
  }
  return plan;
}

/**
 * Rowid intervals that together cover the segments in order, each spanning at most `rows` rows of the
 * table (so at most that many points): the chunks an ordered history is read in.
 */
export function rowidChunks(
  segments: readonly { lo: number; hi: number }[],
  rows: number,
): { from: number; to: number }[] {
  const chunks: { from: number; to: number }[] = [];
  let open: { from: number; to: number; size: number } | undefined;
  for (const s of segments) {
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
