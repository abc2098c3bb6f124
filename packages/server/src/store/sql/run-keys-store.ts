/**
 * The distinct metric, param and tag keys of the runs of some experiments: our addition for the web UI's
 * column picker (MLflow has no such endpoint). Each table is keyed by (key, run_uuid), so its primary-key
 * index lists keys in order: a skip scan asks for the smallest key after the previous one that belongs to
 * a run of these experiments, one index seek per distinct key, instead of reading every row of 100,000
 * runs. The walk stops after `limit` keys.
 */
import { sql } from 'kysely';
import type { RunKeys, RunKeysStore } from '../run-keys-store.ts';
import type { SqlDialect } from './dialect.ts';

export type KeyTable = 'latest_metrics' | 'params' | 'tags';

export class SqlRunKeysStore implements RunKeysStore {
  constructor(private readonly dialect: SqlDialect) {}

  async runKeys(experimentIds: readonly number[], limit: number): Promise<RunKeys> {
    const [metrics, params, tags] = await Promise.all([
      this.keysOf('latest_metrics', experimentIds, limit + 1),
      this.keysOf('params', experimentIds, limit + 1),
      this.keysOf('tags', experimentIds, limit + 1),
    ]);
    return {
      metrics: metrics.slice(0, limit),
      params: params.slice(0, limit),
      tags: tags.slice(0, limit),
      truncated: [metrics, params, tags].some((k) => k.length > limit),
    };
  }

  /** Up to `limit` distinct keys of `table` among the experiments' runs, in key order. */
  async keysOf(table: KeyTable, experimentIds: readonly number[], limit: number): Promise<string[]> {
    if (experimentIds.length === 0) return [];
    const t = sql.table(table);
    const exps = sql.join(experimentIds.map((e) => sql.lit(e)));
    // The next key after `after` that some run of the experiments has: ORDER BY key LIMIT 1 with an
    // EXISTS makes both planners walk the (key, run_uuid) index from `after` and probe runs by its
    // primary key until one matches (a join let SQLite start from the experiment's 100,000 runs).
    const next = (after: ReturnType<typeof sql>) => sql`(
      SELECT k.key FROM ${t} AS k
      WHERE k.key > ${after}
        AND EXISTS (SELECT 1 FROM runs AS r WHERE r.run_uuid = k.run_uuid AND r.experiment_id IN (${exps}))
      ORDER BY k.key LIMIT 1)`;
    const { rows } = await sql<{ key: string }>`
      WITH RECURSIVE walk (key, n) AS (
        SELECT ${next(sql`''`)}, 1
        UNION ALL
        SELECT ${next(sql`walk.key`)}, n + 1 FROM walk WHERE walk.key IS NOT NULL AND n < ${sql.lit(Math.trunc(limit))}
      )
      SELECT key FROM walk WHERE key IS NOT NULL ORDER BY key`.execute(this.dialect.db);
    return rows.map((r) => r.key);
  }
}
