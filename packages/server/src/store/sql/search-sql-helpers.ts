import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { NumericComparator, StringComparator } from '../../core/search/index.ts';
import type { SqlDialect } from './dialect.ts';

/**
 * A parameterised comparison `column <op> value`. Comparators come from the validated AST, so the operator
 * text is one of a closed set and never user text; values are always bound parameters.
 */
export function compare(
  dialect: SqlDialect,
  column: Expression<unknown>,
  comparator: StringComparator | NumericComparator,
  value: string | number,
): Expression<SqlBool> {
  switch (comparator) {
    case 'ILIKE':
      return dialect.ilike === 'ilike'
        ? sql<SqlBool>`${column} ILIKE ${value}`
        : sql<SqlBool>`lower(${column}) LIKE lower(${value})`;
    case 'LIKE':
      // Case-sensitive on both: PostgreSQL's LIKE is; SQLite's is under `case_sensitive_like`.
      return sql<SqlBool>`${column} LIKE ${value}`;
    default:
      return sql<SqlBool>`${column} ${sql.raw(comparator === '!=' ? '<>' : comparator)} ${value}`;
  }
}

export function inList(column: Expression<unknown>, values: string[], negate: boolean): Expression<SqlBool> {
  if (values.length === 0) return negate ? sql<SqlBool>`1 = 1` : sql<SqlBool>`1 = 0`;
  return negate
    ? sql<SqlBool>`${column} NOT IN (${sql.join(values)})`
    : sql<SqlBool>`${column} IN (${sql.join(values)})`;
}

// biome-ignore lint/suspicious/noExplicitAny: shared by queries over different table sets
export type AnyEb = ExpressionBuilder<any, any>;

/**
 * A row count (LIMIT, OFFSET) written into the SQL rather than bound: SQLite plans a bound LIMIT as
 * unknown, which sizes the statement's temporary structures for the whole table (experiments/search: a
 * bloom filter per call, ~45 µs of ~220; runs/search's page: ~0.1 ms). Counts are integers we computed, so
 * inlining them is safe; anything else stays a parameter.
 */
export function literalCount(n: number): Expression<number> {
  return Number.isSafeInteger(n) && n >= 0 ? sql.lit(n) : sql<number>`${n}`;
}
