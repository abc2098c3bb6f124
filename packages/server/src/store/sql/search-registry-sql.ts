/**
 * registered-models/search (spec §4.3) and model-versions/search (§4.4) compiled to parameterised SQL:
 * attribute comparisons, one inner join per tag clause, prompt exclusion as an anti-join (§1.9).
 */
import { type SelectQueryBuilder, sql } from 'kysely';
import {
  type ModelVersionClause,
  type ModelVersionOrderKey,
  PROMPT_TAG_KEY,
  type RegisteredModelClause,
  type RegisteredModelOrderKey,
} from '../../core/search/index.ts';
import type { SqlDialect } from './dialect.ts';
import { DELETED_STAGE } from './registry-rows.ts';
import type { Database } from './schema.ts';
import { compare, inList } from './search-sql-helpers.ts';

// biome-ignore lint/suspicious/noExplicitAny: the selection shape is fixed by the caller
type Query = SelectQueryBuilder<Database, any, any>;

/** Models tagged as prompts; a missing tag means "not a prompt" (trap 20). */
const isPrompt = (nameColumn: string) =>
  sql<boolean>`EXISTS (SELECT 1 FROM registered_model_tags p WHERE p.name = ${sql.ref(nameColumn)} AND p.key = ${PROMPT_TAG_KEY} AND lower(p.value) = 'true')`;

export function applyRegisteredModelFilter(
  dialect: SqlDialect,
  q: Query,
  filter: RegisteredModelClause[],
  includePrompts: boolean,
): Query {
  filter.forEach((clause, i) => {
    if (clause.type === 'tag') {
      const alias = `t${i}`;
      q = q.innerJoin(`registered_model_tags as ${alias}`, (j) =>
        j
          .onRef(`${alias}.name`, '=', 'rm.name')
          .on(`${alias}.key`, '=', clause.key)
          .on(compare(dialect, sql.ref(`${alias}.value`), clause.comparator, clause.value)),
      );
    } else {
      q = q.where(compare(dialect, sql.ref('rm.name'), clause.comparator, clause.value));
    }
  });
  if (!includePrompts) q = q.where(sql<boolean>`NOT ${isPrompt('rm.name')}`);
  return q;
}

/** Tiebreak `name ASC` unless name is already a key. */
export function applyRegisteredModelOrder(q: Query, orderBy: RegisteredModelOrderKey[]): Query {
  const keys = orderBy.some((k) => k.key === 'name')
    ? orderBy
    : [...orderBy, { type: 'attribute', key: 'name', ascending: true } as const];
  for (const k of keys) {
    q = q.orderBy(k.key === 'name' ? 'rm.name' : 'rm.last_updated_time', k.ascending ? 'asc' : 'desc');
  }
  return q;
}

const VERSION_COLUMNS = {
  name: 'mv.name',
  run_id: 'mv.run_id',
  source_path: 'mv.source',
  version_number: 'mv.version',
  creation_timestamp: 'mv.creation_time',
  last_updated_timestamp: 'mv.last_updated_time',
} as const;

export function applyModelVersionFilter(
  dialect: SqlDialect,
  q: Query,
  filter: ModelVersionClause[],
  includePrompts: boolean,
): Query {
  q = q.where(sql<boolean>`mv.current_stage <> ${DELETED_STAGE}`);
  filter.forEach((clause, i) => {
    if (clause.type === 'tag') {
      const alias = `t${i}`;
      q = q.innerJoin(`model_version_tags as ${alias}`, (j) =>
        j
          .onRef(`${alias}.name`, '=', 'mv.name')
          .onRef(`${alias}.version`, '=', 'mv.version')
          .on(`${alias}.key`, '=', clause.key)
          .on(compare(dialect, sql.ref(`${alias}.value`), clause.comparator, clause.value)),
      );
    } else if (clause.comparator === 'IN') {
      q = q.where(inList(sql.ref('mv.run_id'), clause.value, false));
    } else {
      q = q.where(compare(dialect, sql.ref(VERSION_COLUMNS[clause.key]), clause.comparator, clause.value));
    }
  });
  if (!includePrompts) q = q.where(sql<boolean>`NOT ${isPrompt('mv.name')}`);
  return q;
}

const DEFAULT_VERSION_ORDER: ModelVersionOrderKey[] = [
  { type: 'attribute', key: 'last_updated_timestamp', ascending: false },
  { type: 'attribute', key: 'name', ascending: true },
  { type: 'attribute', key: 'version_number', ascending: false },
];

/** Default `last_updated DESC, name ASC, version DESC`; otherwise `name ASC`, `version DESC` appended. */
export function applyModelVersionOrder(q: Query, orderBy: ModelVersionOrderKey[]): Query {
  const keys =
    orderBy.length === 0
      ? DEFAULT_VERSION_ORDER
      : [...orderBy, ...DEFAULT_VERSION_ORDER.slice(1).filter((d) => !orderBy.some((k) => k.key === d.key))];
  for (const k of keys) q = q.orderBy(VERSION_COLUMNS[k.key], k.ascending ? 'asc' : 'desc');
  return q;
}
