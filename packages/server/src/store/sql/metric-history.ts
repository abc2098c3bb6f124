import type { Metric, MetricWithRunId } from '@mlflow-ts/protocol';
import { LIMITS } from '@mlflow-ts/protocol';
import { sql } from 'kysely';
import type { MetricStore, Page } from '../tracking-store.ts';
import type { SqlDialect } from './dialect.ts';
import { HistoryCache } from './history-cache.ts';
import {
  type HistoryPlan,
  historyRowsOfRuns,
  PLANNED_SEGMENTS,
  planHistory,
  rowidChunks,
  segmentRows,
} from './history-source.ts';
import { toMetric } from './row-mappers.ts';
import { gapFreeSpans, sampledStepsOfSpans } from './sampled-steps.ts';
import { SEGMENTS_TABLE } from './sqlite-metric-segments.ts';

/** Rows fetched per round trip when streaming a whole history. */
const STREAM_CHUNK = 10_000;

interface HistoryPosition {
  step: number;
  timestamp: number;
  value: number;
  is_nan: boolean | number;
}

export class SqlMetricHistory implements Pick<MetricStore, keyof MetricStore> {
  private readonly cache: HistoryCache | undefined;

  /** Hits and misses of the history cache, when there is one. */
  get cacheStats() {
    return this.cache?.stats;
  }

  /** `cacheBytes` > 0 keeps recently sent whole histories (history-cache.ts). */
  /** `plannedSegments`: the most segments a plan loads (history-source.ts PLANNED_SEGMENTS). */
  constructor(
    private readonly dialect: SqlDialect,
    cacheBytes = 0,
    private readonly plannedSegments = PLANNED_SEGMENTS,
  ) {
    this.cache = cacheBytes > 0 ? new HistoryCache(cacheBytes) : undefined;
  }

  /** SQLite: how to read this history now (history-source.ts); PostgreSQL reads the table. */
  private plan(runId: string, key: string): Promise<HistoryPlan | null> {
    return this.dialect.name === 'sqlite'
      ? planHistory(this.dialect, runId, key, this.plannedSegments)
      : Promise.resolve(null);
  }

  /**
   * The points of one (run, key) in history order, after `after` and up to `until` (inclusive). The order
   * (step, timestamp, value, is_nan) is unique per (run, key) by MLflow's primary key, so it serves as a
   * keyset. With a plan, rows come through the history segments: already in order when the plan says so
   * (then read by rowid, with the rowid as `rid`: `rowids` bounds them, starting at the segment that holds
   * `rowids.from`, and `fromLo` starts at a segment), else sorted. Without one, from the table: PostgreSQL
   * through `mlflow_ts_metrics_run_key_step`, SQLite through the run's rows (`+key`: not every run's rows
   * of the key by MLflow's primary key).
   */
  private rows(
    runId: string,
    key: string,
    range: {
      after?: HistoryPosition;
      until?: HistoryPosition;
      limit?: number;
      offset?: number;
      rowids?: { from: number; to: number };
      fromLo?: number;
    },
    plan: HistoryPlan | null,
  ) {
    const tuple = (p: HistoryPosition) =>
      sql`(${p.step}, ${p.timestamp}, ${p.value}, ${this.dialect.bool(Boolean(p.is_nan))})`;
    const tail = sql`${range.limit !== undefined ? sql`LIMIT ${sql.lit(Math.trunc(range.limit))}` : sql``}
      ${range.offset ? sql`${range.limit === undefined ? sql`LIMIT -1` : sql``} OFFSET ${sql.lit(Math.trunc(range.offset))}` : sql``}`;
    if (plan?.ordered) {
      const lit = (n: number) => sql.lit(Math.trunc(n));
      const { rowids, fromLo } = range;
      // Segments wholly before `rowids.from` are skipped by seeking to the one that holds it.
      const from = rowids
        ? sql`AND m.rowid BETWEEN ${lit(rowids.from)} AND ${lit(rowids.to)} AND s.lo <= ${lit(rowids.to)}
          AND s.lo >= coalesce((SELECT max(b.lo) FROM ${sql.table(SEGMENTS_TABLE)} b
            WHERE b.run_uuid = ${runId} AND b.key = ${key} AND b.lo <= ${lit(rowids.from)}), 0)`
        : sql``;
      return sql`${segmentRows(runId, key, plan.maxRowid, sql`m.key, m.value, m.timestamp, m.step, m.is_nan, m.rowid AS rid`)}
        ${from}
        ${fromLo !== undefined ? sql`AND s.lo >= ${lit(fromLo)}` : sql``}
        ORDER BY s.lo, m.rowid ${tail}`;
    }
    const where = sql`${range.after ? sql`AND (m.step, m.timestamp, m.value, m.is_nan) > ${tuple(range.after)}` : sql``}
      ${range.until ? sql`AND (m.step, m.timestamp, m.value, m.is_nan) <= ${tuple(range.until)}` : sql``}`;
    const order = sql`ORDER BY m.step, m.timestamp, m.value, m.is_nan`;
    if (plan) {
      return sql`${segmentRows(runId, key, plan.maxRowid, sql`m.key, m.value, m.timestamp, m.step, m.is_nan`)}
        ${where} ${order} ${tail}`;
    }
    const keyTerm = this.dialect.name === 'sqlite' ? sql`+m.key = ${key}` : sql`m.key = ${key}`;
    return sql`SELECT m.key, m.value, m.timestamp, m.step, m.is_nan FROM metrics m
      WHERE m.run_uuid = ${runId} AND ${keyTerm} ${where} ${order} ${tail}`;
  }

  private async json(rows: ReturnType<SqlMetricHistory['rows']>): Promise<string | null> {
    const result = await this.dialect.metricsJsonArray(rows).execute(this.dialect.db);
    const row = result.rows[0] as Record<string, string | null> | undefined;
    return row ? (Object.values(row)[0] ?? null) : null;
  }

  /** Ordered plan: the rowid of the `count`-th point after rowid `after`, or of the last one before it. */
  private async rowidAt(runId: string, key: string, plan: HistoryPlan, after: number, count: number) {
    const page = this.rows(
      runId,
      key,
      { rowids: { from: after + 1, to: plan.maxRowid }, limit: count },
      plan,
    );
    const { rows } = await sql<{ rid: number | null }>`SELECT max(rid) AS rid FROM (${page}) AS p`.execute(
      this.dialect.db,
    );
    return rows[0]?.rid ?? undefined;
  }

  /** The position of the point `offset` places after `after`, if there is one. */
  private async positionAt(
    runId: string,
    key: string,
    after: HistoryPosition | undefined,
    offset: number,
    plan: HistoryPlan | null,
  ) {
    const result = await sql<HistoryPosition>`SELECT step, timestamp, value, is_nan FROM (${this.rows(
      runId,
      key,
      { after, limit: 1, offset },
      plan,
    )}) AS p`.execute(this.dialect.db);
    return result.rows[0];
  }

  async getMetricHistoryPageJson(
    runId: string,
    key: string,
    offset: number,
    limit: number,
  ): Promise<{ json: string | null; nextOffset?: number }> {
    const plan = await this.plan(runId, key);
    let json: string | null;
    if (plan?.segments) {
      // Start at the segment holding the point at `offset`, counted by the segments' sizes.
      let before = 0;
      let i = 0;
      while (i < plan.segments.length && before + plan.segments[i]!.n <= offset)
        before += plan.segments[i++]!.n;
      const start = plan.segments[i];
      json = start
        ? await this.json(this.rows(runId, key, { limit, offset: offset - before, fromLo: start.lo }, plan))
        : null;
    } else {
      json = await this.json(this.rows(runId, key, { limit, offset }, plan));
    }
    const more =
      json !== null &&
      (plan
        ? offset + limit < plan.count
        : (await this.positionAt(runId, key, undefined, offset + limit, plan)) !== undefined);
    return { json, nextOffset: more ? offset + limit : undefined };
  }

  async getMetricHistoryPage(
    runId: string,
    key: string,
    offset: number,
    limit: number,
  ): Promise<Page<Metric>> {
    const page = await this.getMetricHistoryPageJson(runId, key, offset, limit);
    return { items: page.json ? (JSON.parse(page.json) as Metric[]) : [], nextOffset: page.nextOffset };
  }

  /**
   * The whole history as JSON array texts of at most ~STREAM_CHUNK points each. Each chunk first finds its
   * last position, then has the database serialise the range, so no connection is held between chunks and
   * points written meanwhile are neither lost nor repeated.
   */
  async *streamMetricHistoryJson(runId: string, key: string): AsyncIterable<string | Uint8Array> {
    const plan = await this.plan(runId, key);
    const cache = this.cache;
    if (!cache) {
      yield* this.readHistoryJson(runId, key, plan);
      return;
    }
    // Counted before reading: a point written in between makes the next count differ from the one
    // stored with these chunks, so the entry can be stale-safe but never wrongly fresh. Read through a
    // plan, the chunks hold exactly the points it counted.
    const count = plan ? plan.count : await this.countPoints(runId, key);
    const cached = cache.get(runId, key, count);
    if (cached) {
      yield* cached;
      return;
    }
    let chunks: Uint8Array[] | undefined = count >= HistoryCache.MIN_POINTS ? [] : undefined;
    let size = 0;
    for await (const chunk of this.readHistoryJson(runId, key, plan)) {
      size += chunk.length;
      // Too big to keep: stop holding the pieces sent, the history streams through as before.
      if (size > cache.maxEntryBytes) chunks = undefined;
      if (!chunks) {
        yield chunk;
        continue;
      }
      const bytes = HistoryCache.sharedBytes(chunk);
      chunks.push(bytes);
      yield bytes;
    }
    // Not reached when the client went away mid-stream: a partial history is never stored.
    if (chunks) cache.set(runId, key, count, chunks);
  }

  private async countPoints(runId: string, key: string): Promise<number> {
    const keyTerm = this.dialect.name === 'sqlite' ? sql`+key = ${key}` : sql`key = ${key}`;
    const { rows } = await sql<{ n: number | string }>`SELECT count(*) AS n FROM metrics
      WHERE run_uuid = ${runId} AND ${keyTerm}`.execute(this.dialect.db);
    return Number(rows[0]?.n ?? 0);
  }

  private async *readHistoryJson(
    runId: string,
    key: string,
    plan: HistoryPlan | null,
  ): AsyncIterable<string> {
    if (plan?.count === 0) return;
    if (plan?.ordered) {
      if (plan.segments) {
        // Rowid ranges of the segments: each chunk one scan, no position to look up first.
        for (const rowids of rowidChunks(plan.segments, STREAM_CHUNK)) {
          const json = await this.json(this.rows(runId, key, { rowids }, plan));
          if (json !== null) yield json;
        }
        return;
      }
      // Too many segments to load: the rowid is the keyset.
      for (let after = 0; ; ) {
        const until = await this.rowidAt(runId, key, plan, after, STREAM_CHUNK);
        if (until === undefined) return;
        const json = await this.json(this.rows(runId, key, { rowids: { from: after + 1, to: until } }, plan));
        if (json !== null) yield json;
        after = until;
      }
    }
    let after: HistoryPosition | undefined;
    for (;;) {
      const until = await this.positionAt(runId, key, after, STREAM_CHUNK - 1, plan);
      const json = await this.json(this.rows(runId, key, { after, until }, plan));
      if (json === null) return;
      yield json;
      if (!until) return;
      after = until;
    }
  }

  /**
   * Downsampling happens in SQL: number the distinct steps in range, keep ≤ maxResults of them evenly
   * spaced (plus each run's first and last step), and return every point at those steps (spec §1.2).
   */
  async getMetricHistoryBulkInterval(query: {
    runIds: string[];
    key: string;
    startStep?: number;
    endStep?: number;
    maxResults: number;
  }): Promise<MetricWithRunId[]> {
    const { runIds, key, maxResults } = query;
    if (runIds.length === 0) return [];
    const steps =
      query.startStep !== undefined && query.endStep !== undefined
        ? { start: query.startStep, end: query.endStep }
        : undefined;
    const history = historyRowsOfRuns(this.dialect, runIds, key, steps);
    // Literals, not parameters: better-sqlite3 binds numbers as REAL, which would turn the integer
    // division below into a float one. Both are integers we computed, never user text.
    const m = sql.lit(Math.max(Math.trunc(maxResults), 2) - 1);
    const limit = sql.lit(Math.trunc(maxResults));
    // Runs logged at consecutive steps (the usual training loop): the same steps, chosen without
    // numbering every step in SQL (sampled-steps.ts). A history with gaps takes the general query.
    const spans = await gapFreeSpans(this.dialect, runIds, key, query);
    if (spans?.length === 0) return [];
    const sampledSteps = spans
      ? sql`sampled (step) AS (VALUES ${sql.join(
          sampledStepsOfSpans(spans, maxResults).map((s) => sql`(${sql.lit(s)})`),
        )}),`
      : sql`in_range AS (
        SELECT run_uuid, step FROM (${history}) AS h
      ),
      distinct_steps AS (SELECT DISTINCT step FROM in_range),
      numbered AS (
        SELECT step, ROW_NUMBER() OVER (ORDER BY step) - 1 AS i, COUNT(*) OVER () AS c FROM distinct_steps
      ),
      sampled AS (
        SELECT step FROM numbered
        WHERE c <= ${limit} OR i = 0
           OR (i * ${m}) / (c - 1) <> ((i - 1) * ${m}) / (c - 1)
        UNION SELECT MIN(step) FROM in_range GROUP BY run_uuid
        UNION SELECT MAX(step) FROM in_range GROUP BY run_uuid
      ),`;
    const { rows } = await sql<{
      run_uuid: string;
      key: string;
      value: number;
      timestamp: number;
      step: number;
      is_nan: boolean | number;
    }>`
      WITH ${sampledSteps}
      points AS (
        SELECT run_uuid, key, value, timestamp, step, is_nan,
               ROW_NUMBER() OVER (PARTITION BY run_uuid ORDER BY step, timestamp, value) AS n
        FROM (${history}) AS h
        WHERE step IN (SELECT step FROM sampled)
      )
      SELECT run_uuid, key, value, timestamp, step, is_nan FROM points
      WHERE n <= ${LIMITS.bulkMaxPointsPerRun}
      ORDER BY run_uuid, step, timestamp, value`.execute(this.dialect.db);
    return rows.map((r) => ({ ...toMetric(r), run_id: r.run_uuid }));
  }

  async getMetricHistoryBulk(runIds: string[], key: string, maxResults: number): Promise<MetricWithRunId[]> {
    const out: MetricWithRunId[] = [];
    for (const runId of [...runIds].sort()) {
      const { rows } = await sql<{
        key: string;
        value: number;
        timestamp: number;
        step: number;
        is_nan: boolean | number;
      }>`SELECT key, value, timestamp, step, is_nan FROM (${historyRowsOfRuns(this.dialect, [runId], key)}) AS h
        ORDER BY timestamp, step, value LIMIT ${sql.lit(Math.trunc(maxResults))}`.execute(this.dialect.db);
      for (const r of rows) out.push({ ...toMetric(r), run_id: runId });
    }
    return out;
  }
}
