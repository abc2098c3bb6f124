import type { Run } from '@mlflow-ts/protocol';
import { type Expression, type SqlBool, sql } from 'kysely';
import type { RunClause, RunOrderKey } from '../../core/search/index.ts';
import type { RunSearchQuery } from '../tracking-store.ts';
import type { SqlDialect } from './dialect.ts';
import { parseExperimentId } from './experiment-store.ts';
import { loadRuns } from './run-children.ts';
import { loadRunsJson } from './runs-json.ts';
import type { RunsTable } from './schema.ts';
import { compare, inList, literalCount } from './search-sql-helpers.ts';

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
 * runs/search compiled to parameterised SQL (spec §4.1). Metric, param and tag clauses are inner joins on
 * their (key, run) primary keys — each matches at most one row, so no duplicates — which lets the planner
 * start from whichever side is most selective. Ordering keys are left joins, so runs lacking the key still
 * appear, sorted last.
 *
 * When the first order key is a metric, a windowed query is tried first (see windowedSearch): it reads the
 * runs in metric order and stops early, which is what a UI page sorted by a metric needs.
 */
export async function searchRuns(dialect: SqlDialect, query: RunSearchQuery): Promise<Run[]> {
  return loadRuns(dialect, await findRuns(dialect, query, 'runs.*'));
}

/** The same search as JSON texts of the runs (runs-json.ts): what the HTTP path sends. */
export async function searchRunsJson(dialect: SqlDialect, query: RunSearchQuery): Promise<string[]> {
  const rows = await findRuns(dialect, query, 'runs.run_uuid');
  return loadRunsJson(
    dialect,
    rows.map((r) => r.run_uuid),
  );
}

/**
 * The page of runs, in order: whole rows, or only their ids (the JSON path reads the columns with the
 * children, so the sort carries less).
 */
async function findRuns<S extends Selection>(
  dialect: SqlDialect,
  query: RunSearchQuery,
  selection: S,
): Promise<S extends 'runs.*' ? RunsTable[] : Pick<RunsTable, 'run_uuid'>[]> {
  const experimentIds = query.experimentIds
    .map(parseExperimentId)
    .filter((n): n is number => n !== undefined);
  if (experimentIds.length === 0 || query.maxResults === 0) return [];
  const windowed = await windowedSearch(dialect, experimentIds, query, selection);
  if (windowed) return windowed;

  let q: Builder = select(dialect.db.selectFrom('runs'), selection);
  q = applyFilters(dialect, q, experimentIds, query);
  q = applyOrder(q, query.orderBy, 0);
  return q.limit(literalCount(query.maxResults)).offset(literalCount(query.offset)).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: joins add aliases Kysely cannot type statically
type Builder = any;

type Selection = 'runs.*' | 'runs.run_uuid';

const select = (q: Builder, selection: Selection): Builder =>
  selection === 'runs.*' ? q.selectAll('runs') : q.select('runs.run_uuid');

function applyFilters(
  dialect: SqlDialect,
  q: Builder,
  experimentIds: number[],
  query: RunSearchQuery,
): Builder {
  q = q.where('runs.experiment_id', 'in', experimentIds);
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
  return q;
}

/** The order keys from `from` on, then `start_time DESC` unless given, then `run_uuid` (§4.1). */
function applyOrder(q: Builder, orderBy: RunOrderKey[], from: number): Builder {
  const order = [...orderBy];
  if (!order.some((o) => o.type === 'attribute' && o.key === 'start_time')) {
    order.push({ type: 'attribute', key: 'start_time', ascending: false });
  }
  order.forEach((key: RunOrderKey, i: number) => {
    if (i < from) return;
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
  return q.orderBy('runs.run_uuid', 'asc');
}

/** Rows read from the metric's value order per row wanted; a filter matching fewer than 1 in 8 falls back. */
const WINDOW_FACTOR = 8;
/** Deeper pages than this go straight to the full query. */
const WINDOW_MAX_ROWS = 5000;

/**
 * Sorting by a metric: the full query finds every matching run and sorts them all (10,000 runs: ~18 ms on
 * SQLite). Instead, take the K best values of the metric from its (key, is_nan, value) index, join the runs
 * and filters to just those (driven from the window: CROSS JOIN fixes SQLite's join order; PostgreSQL plans
 * as it likes), and sort that. The answer is exact when enough of the returned rows are strictly better than
 * the K-th value (every run better than it is in the window), or when the window held every value. Otherwise
 * — a selective filter, a deep page, runs without the metric needed — undefined, and the full query runs.
 */
async function windowedSearch(
  dialect: SqlDialect,
  experimentIds: number[],
  query: RunSearchQuery,
  selection: Selection,
  // biome-ignore lint/suspicious/noExplicitAny: the caller types the rows by its selection
): Promise<any[] | undefined> {
  const first = query.orderBy[0];
  const need = query.offset + query.maxResults;
  if (first?.type !== 'metric' || need > WINDOW_MAX_ROWS) return undefined;
  const k = need * WINDOW_FACTOR;
  const direction = first.ascending ? 'asc' : 'desc';
  const values = dialect.db
    .selectFrom('latest_metrics')
    .select(['run_uuid', 'value'])
    .where('key', '=', first.key)
    .where('is_nan', '=', dialect.bool(false) as never)
    .orderBy('value', direction);
  const boundaryRow = await values
    .limit(literalCount(1))
    .offset(literalCount(k - 1))
    .executeTakeFirst();
  let q: Builder = dialect.db
    .selectFrom(values.limit(literalCount(k)).as('w'))
    .crossJoin('runs')
    .select('w.value as window_value')
    .whereRef('runs.run_uuid', '=', 'w.run_uuid');
  q = select(q, selection);
  q = applyFilters(dialect, q, experimentIds, query);
  q = applyOrder(q.orderBy('w.value', direction), query.orderBy, 1);
  const rows: { window_value: number }[] = await q.limit(literalCount(need)).execute();
  if (rows.length < need) return undefined;
  if (boundaryRow !== undefined) {
    const b = Number(boundaryRow.value);
    const last = Number(rows[need - 1]?.window_value);
    if (first.ascending ? !(last < b) : !(last > b)) return undefined;
  }
  return rows.slice(query.offset).map(({ window_value: _, ...run }) => run);
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
