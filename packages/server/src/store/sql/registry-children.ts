/**
 * Batch loading of what registry entities carry besides their own row: tags, aliases and the latest
 * version per stage. One query per kind for a whole page (never one per entity), in chunks so a page of
 * any size stays inside the databases' bound-parameter limits.
 */
import type { KeyValue, ModelVersion } from '@mlflow-ts/protocol';
import { type Kysely, sql } from 'kysely';
import { chunks, group } from './batching.ts';
import { DELETED_STAGE, toModelVersion } from './registry-rows.ts';
import type { Database, ModelVersionsTable } from './schema.ts';

const CHUNK = 400;

/** Code-unit order, as MLflow's responses list tags and aliases, whatever the database collation. */
const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export const versionKey = (name: string, version: number) => `${version}\u0000${name}`;

export async function registeredModelTags(
  db: Kysely<Database>,
  names: string[],
): Promise<Map<string, KeyValue[]>> {
  const out = new Map<string, KeyValue[]>();
  for (const part of chunks(names, CHUNK)) {
    const rows = await db
      .selectFrom('registered_model_tags')
      .select(['name', 'key', 'value'])
      .where('name', 'in', part)
      .execute();
    for (const r of rows) {
      group(out, r.name, { key: r.key, value: r.value ?? '' });
    }
  }
  for (const list of out.values()) list.sort((a, b) => byCodeUnit(a.key, b.key));
  return out;
}

export async function registeredModelAliases(
  db: Kysely<Database>,
  names: string[],
): Promise<Map<string, { alias: string; version: number }[]>> {
  const out = new Map<string, { alias: string; version: number }[]>();
  for (const part of chunks(names, CHUNK)) {
    const rows = await db
      .selectFrom('registered_model_aliases')
      .select(['name', 'alias', 'version'])
      .where('name', 'in', part)
      .execute();
    for (const r of rows) {
      group(out, r.name, { alias: r.alias, version: Number(r.version) });
    }
  }
  for (const list of out.values()) list.sort((a, b) => byCodeUnit(a.alias, b.alias));
  return out;
}

/** Tags of the given versions, keyed by `versionKey`. */
export async function modelVersionTags(
  db: Kysely<Database>,
  versions: readonly { name: string; version: number }[],
): Promise<Map<string, KeyValue[]>> {
  const out = new Map<string, KeyValue[]>();
  for (const part of chunks(versions, CHUNK)) {
    const rows = await db
      .selectFrom('model_version_tags')
      .select(['name', 'version', 'key', 'value'])
      .where((eb) => eb.or(part.map((v) => eb.and([eb('name', '=', v.name), eb('version', '=', v.version)]))))
      .execute();
    for (const r of rows) {
      const k = versionKey(r.name, Number(r.version));
      group(out, k, { key: r.key, value: r.value ?? '' });
    }
  }
  for (const list of out.values()) list.sort((a, b) => byCodeUnit(a.key, b.key));
  return out;
}

/** Rows → entities with their tags (no aliases: MLflow lists none in searches and latest_versions). */
export async function withVersionTags(
  db: Kysely<Database>,
  rows: ModelVersionsTable[],
): Promise<ModelVersion[]> {
  const keyed = rows.map((r) => ({ name: r.name, version: Number(r.version) }));
  const tags = await modelVersionTags(db, keyed);
  return rows.map((r) => toModelVersion(r, tags.get(versionKey(r.name, Number(r.version))) ?? []));
}

/** The highest non-deleted version in each stage, per model, in version order. */
export async function latestVersions(
  db: Kysely<Database>,
  names: string[],
  stages?: readonly string[],
): Promise<Map<string, ModelVersion[]>> {
  const rows: ModelVersionsTable[] = [];
  for (const part of chunks(names, CHUNK)) {
    let q = db
      .selectFrom('model_versions as mv')
      .selectAll('mv')
      .where('mv.name', 'in', part)
      .where('mv.current_stage', '<>', DELETED_STAGE)
      .where(
        'mv.version',
        '=',
        sql<number>`(SELECT max(m2.version) FROM model_versions m2 WHERE m2.name = mv.name AND m2.current_stage = mv.current_stage)`,
      );
    if (stages && stages.length > 0) q = q.where('mv.current_stage', 'in', [...stages]);
    rows.push(...((await q.execute()) as ModelVersionsTable[]));
  }
  rows.sort((a, b) => byCodeUnit(a.name, b.name) || Number(a.version) - Number(b.version));
  const versions = await withVersionTags(db, rows);
  const out = new Map<string, ModelVersion[]>();
  for (const v of versions) {
    group(out, v.name, v);
  }
  return out;
}
