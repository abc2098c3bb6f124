import type { Metric, MetricWithRunId } from '@mlflow-ts/protocol';
import { LIMITS } from '@mlflow-ts/protocol';
import { sql } from 'kysely';
import type { MetricStore, Page } from '../tracking-store.ts';
import type { SqlDialect } from './dialect.ts';
import { toMetric } from './row-mappers.ts';

/** Rows fetched per round trip when streaming a whole history. */
const STREAM_CHUNK = 10_000;

const HISTORY_COLUMNS = ['key', 'value', 'timestamp', 'step', 'is_nan'] as const;

export class SqlMetricHistory implements Pick<MetricStore, keyof MetricStore> {
  constructor(private readonly dialect: SqlDialect) {}

  private historyQuery(runId: string, key: string) {
    return this.dialect.db
      .selectFrom('metrics')
      .select(HISTORY_COLUMNS)
      .where('run_uuid', '=', runId)
      .where('key', '=', key)
      .orderBy('step')
      .orderBy('timestamp')
      .orderBy('value')
      .orderBy('is_nan');
  }

  async getMetricHistoryPage(
    runId: string,
    key: string,
    offset: number,
    limit: number,
  ): Promise<Page<Metric>> {
    const rows = await this.historyQuery(runId, key)
      .limit(limit + 1)
      .offset(offset)
      .execute();
    return {
      items: rows.slice(0, limit).map(toMetric),
      nextOffset: rows.length > limit ? offset + limit : undefined,
    };
  }

  /**
   * Keyset pagination over (step, timestamp, value, is_nan) — unique per (run, key) by MLflow's primary
   * key — so each chunk is an index range scan and no connection is held between chunks.
   */
  async *streamMetricHistory(runId: string, key: string): AsyncIterable<Metric[]> {
    let after: { step: number; timestamp: number; value: number; is_nan: boolean | number } | undefined;
    for (;;) {
      let q = this.historyQuery(runId, key);
      if (after) {
        const a = after;
        q = q.where(
          sql<boolean>`(step, timestamp, value, is_nan) > (${a.step}, ${a.timestamp}, ${a.value}, ${a.is_nan})`,
        );
      }
      const rows = await q.limit(STREAM_CHUNK).execute();
      if (rows.length === 0) return;
      yield rows.map(toMetric);
      if (rows.length < STREAM_CHUNK) return;
      const last = rows[rows.length - 1]!;
      after = {
        step: Number(last.step),
        timestamp: Number(last.timestamp),
        value: last.value,
        is_nan: last.is_nan,
      };
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
    const ids = sql.join(runIds);
    const range =
      query.startStep !== undefined && query.endStep !== undefined
        ? sql`AND step >= ${query.startStep} AND step <= ${query.endStep}`
        : sql``;
    // Literals, not parameters: better-sqlite3 binds numbers as REAL, which would turn the integer
    // division below into a float one. Both are integers we computed, never user text.
    const m = sql.lit(Math.max(Math.trunc(maxResults), 2) - 1);
    const limit = sql.lit(Math.trunc(maxResults));
    const { rows } = await sql<{
      run_uuid: string;
      key: string;
      value: number;
      timestamp: number;
      step: number;
      is_nan: boolean | number;
    }>`
      WITH in_range AS (
        SELECT run_uuid, step FROM metrics WHERE key = ${key} AND run_uuid IN (${ids}) ${range}
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
      ),
      points AS (
        SELECT run_uuid, key, value, timestamp, step, is_nan,
               ROW_NUMBER() OVER (PARTITION BY run_uuid ORDER BY step, timestamp, value) AS n
        FROM metrics
        WHERE key = ${key} AND run_uuid IN (${ids}) ${range} AND step IN (SELECT step FROM sampled)
      )
      SELECT run_uuid, key, value, timestamp, step, is_nan FROM points
      WHERE n <= ${LIMITS.bulkMaxPointsPerRun}
      ORDER BY run_uuid, step, timestamp, value`.execute(this.dialect.db);
    return rows.map((r) => ({ ...toMetric(r), run_id: r.run_uuid }));
  }

  async getMetricHistoryBulk(runIds: string[], key: string, maxResults: number): Promise<MetricWithRunId[]> {
    const out: MetricWithRunId[] = [];
    for (const runId of [...runIds].sort()) {
      const rows = await this.dialect.db
        .selectFrom('metrics')
        .select(HISTORY_COLUMNS)
        .where('run_uuid', '=', runId)
        .where('key', '=', key)
        .orderBy('timestamp')
        .orderBy('step')
        .orderBy('value')
        .limit(maxResults)
        .execute();
      for (const r of rows) out.push({ ...toMetric(r), run_id: runId });
    }
    return out;
  }
}
