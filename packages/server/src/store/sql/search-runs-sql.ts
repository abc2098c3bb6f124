import type { Run, ViewType } from '@mlflow-ts/protocol';
import { type Expression, type SqlBool, sql } from 'kysely';
import type { RunClause, RunOrderKey } from '../../core/search/index.ts';
import type { SqlDialect } from './dialect.ts';
import { parseExperimentId } from './experiment-store.ts';
import { loadRuns } from './run-children.ts';
import type { RunsTable } from './schema.ts';
import { compare, inList } from './search-sql-helpers.ts';

const ATTRIBUTE_COLUMN = {
  run_id: 'runs.run_uuid',
  run_name: 'runs.name',
  status: 'runs.status',
  user_id: 'runs.user_id',
  artifact_uri: 'runs.artifact_uri',
  start_time: 'runs.start_time',
  end_time: 'runs.end_time',
} as const;

// biome-ignore lint/suspicious/noExplicitAny: joins on dynamic aliases are not typed by Kysely
type Join = any;

const KEYED_TABLE = { metric: 'latest_metrics', param: 'params', tag: 'tags' } as const;

/**
 * runs/search compiled to one parameterised query (spec §4.1). Metric, param and tag clauses are inner
 * joins on their (key, run) primary keys — each matches at most one row, so no duplicates — which lets the
 * planner start from whichever side is most selective. Ordering keys are left joins, so runs lacking the
 * key still appear, sorted last.
 */
export async function searchRuns(
  dialect: SqlDialect,
  query: {
    experimentIds: string[];
    filter: RunClause[];
    orderBy: RunOrderKey[];
    viewType: ViewType;
    maxResults: number;
    offset: number;
  },
): Promise<Run[]> {
  const experimentIds = query.experimentIds
    .map(parseExperimentId)
    .filter((n): n is number => n !== undefined);
  if (experimentIds.length === 0 || query.maxResults === 0) return [];
  // biome-ignore lint/suspicious/noExplicitAny: joins add aliases Kysely cannot type statically
  let q: any = dialect.db
    .selectFrom('runs')
    .selectAll('runs')
    .where('runs.experiment_id', 'in', experimentIds);
  if (query.viewType === 'ACTIVE_ONLY') q = q.where('runs.lifecycle_stage', '=', 'active');
  else if (query.viewType === 'DELETED_ONLY') q = q.where('runs.lifecycle_stage', '=', 'deleted');

  query.filter.forEach((clause: RunClause, i: number) => {
    if (clause.type === 'metric' || clause.type === 'param' || clause.type === 'tag') {
      const alias = `f${i}`;
      q = q.innerJoin(`${KEYED_TABLE[clause.type]} as ${alias}`, (j: Join) =>
        j
          .onRef(`${alias}.run_uuid`, '=', 'runs.run_uuid')
          .on(`${alias}.key`, '=', clause.key)
          .on(compare(dialect, sql.ref(`${alias}.value`), clause.comparator, clause.value)),
      );
    } else if (clause.type === 'attribute') {
      const column = sql.ref(ATTRIBUTE_COLUMN[clause.key]);
      q = q.where(
        Array.isArray(clause.value)
          ? inList(column, clause.value, clause.comparator === 'NOT IN')
          : compare(dialect, column, clause.comparator as '=', clause.value),
      );
    } else {
      q = q.where(datasetCondition(dialect, clause));
    }
  });

  const order = [...query.orderBy];
  if (!order.some((o) => o.type === 'attribute' && o.key === 'start_time')) {
    order.push({ type: 'attribute', key: 'start_time', ascending: false });
  }
  order.forEach((key: RunOrderKey, i: number) => {
    const direction = key.ascending ? 'asc' : 'desc';
    if (key.type === 'attribute') {
      const column = sql.ref(ATTRIBUTE_COLUMN[key.key]);
      q = q.orderBy(sql`${column} IS NULL`).orderBy(column, direction);
      return;
    }
    const alias = `o${i}`;
    q = q.leftJoin(`${KEYED_TABLE[key.type]} as ${alias}`, (j: Join) =>
      j.onRef(`${alias}.run_uuid`, '=', 'runs.run_uuid').on(`${alias}.key`, '=', key.key),
    );
    // Missing keys last in both directions; a NaN metric after every number but before missing (§4.1).
    q = q.orderBy(sql`${sql.ref(`${alias}.value`)} IS NULL`);
    if (key.type === 'metric') q = q.orderBy(sql.ref(`${alias}.is_nan`), 'asc');
    q = q.orderBy(sql.ref(`${alias}.value`), direction);
  });
  q = q.orderBy('runs.run_uuid', 'asc');

  const rows: RunsTable[] = await q.limit(query.maxResults).offset(query.offset).execute();
  return loadRuns(dialect.db, rows);
}

function datasetCondition(
  dialect: SqlDialect,
  clause: Extract<RunClause, { type: 'dataset' }>,
): Expression<SqlBool> {
  const column =
    clause.key === 'context' ? sql.ref('ctx.value') : sql.ref(clause.key === 'name' ? 'd.name' : 'd.digest');
  const test = Array.isArray(clause.value)
    ? inList(column, clause.value, clause.comparator === 'NOT IN')
    : compare(dialect, column, clause.comparator as '=', clause.value as string);
  return sql<SqlBool>`EXISTS (
    SELECT 1 FROM inputs i
    JOIN datasets d ON d.dataset_uuid = i.source_id
    LEFT JOIN input_tags ctx ON ctx.input_uuid = i.input_uuid AND ctx.name = 'mlflow.data.context'
    WHERE i.destination_type = 'RUN' AND i.source_type = 'DATASET' AND i.destination_id = runs.run_uuid
      AND ${test})`;
}
