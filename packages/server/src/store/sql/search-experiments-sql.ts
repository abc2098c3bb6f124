import { type SelectQueryBuilder, sql } from 'kysely';
import type { ExperimentClause, ExperimentOrderKey } from '../../core/search/index.ts';
import type { SqlDialect } from './dialect.ts';
import type { Database, ExperimentsTable } from './schema.ts';
import { compare } from './search-sql-helpers.ts';

// biome-ignore lint/suspicious/noExplicitAny: the selection shape is fixed by the caller
type ExperimentQuery = SelectQueryBuilder<Database, 'experiments', any>;

/** experiments/search filter (spec §4.2): attribute comparisons and one inner join per tag clause. */
export function applyExperimentFilter(
  dialect: SqlDialect,
  q: ExperimentQuery,
  filter: ExperimentClause[],
): ExperimentQuery {
  filter.forEach((clause, i) => {
    if (clause.type === 'tag') {
      const alias = `t${i}`;
      // biome-ignore lint/suspicious/noExplicitAny: dynamic alias
      q = (q as any).innerJoin(`experiment_tags as ${alias}`, (j: any) =>
        j
          .onRef(`${alias}.experiment_id`, '=', 'experiments.experiment_id')
          .on(`${alias}.key`, '=', clause.key)
          .on(compare(dialect, sql.ref(`${alias}.value`), clause.comparator, clause.value)),
      );
    } else {
      q = q.where(compare(dialect, sql.ref(`experiments.${clause.key}`), clause.comparator, clause.value));
    }
  });
  return q;
}

/** Default `creation_time DESC, experiment_id ASC`; otherwise `experiment_id DESC` breaks ties. */
export function applyExperimentOrder(q: ExperimentQuery, orderBy: ExperimentOrderKey[]): ExperimentQuery {
  const keys: ExperimentOrderKey[] =
    orderBy.length === 0
      ? [
          { type: 'attribute', key: 'creation_time', ascending: false },
          { type: 'attribute', key: 'experiment_id', ascending: true },
        ]
      : orderBy.some((k) => k.key === 'experiment_id')
        ? orderBy
        : [...orderBy, { type: 'attribute', key: 'experiment_id', ascending: false }];
  for (const key of keys) {
    q = q.orderBy(
      `experiments.${key.key}` as `experiments.${keyof ExperimentsTable}`,
      key.ascending ? 'asc' : 'desc',
    );
  }
  return q;
}
