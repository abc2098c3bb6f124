/** Registry rows → wire entities (spec §2.3), shaped as MLflow 2.9.2 emits them (registry.jsonl). */
import type { KeyValue, ModelVersion, ModelVersionStatus, RegisteredModel } from '@mlflow-ts/protocol';
import type { ModelVersionsTable, RegisteredModelsTable } from './schema.ts';

/** Soft-deleted versions keep their number under this stage and are invisible everywhere. */
export const DELETED_STAGE = 'Deleted_Internal';

export function toRegisteredModel(
  row: RegisteredModelsTable,
  children: { tags: KeyValue[]; aliases: { alias: string; version: number }[]; latest: ModelVersion[] },
): RegisteredModel {
  const m: RegisteredModel = { name: row.name };
  if (row.creation_time != null) m.creation_timestamp = Number(row.creation_time);
  if (row.last_updated_time != null) m.last_updated_timestamp = Number(row.last_updated_time);
  if (row.description) m.description = row.description;
  if (children.latest.length > 0) m.latest_versions = children.latest;
  if (children.tags.length > 0) m.tags = children.tags;
  if (children.aliases.length > 0) {
    m.aliases = children.aliases.map((a) => ({ alias: a.alias, version: String(a.version) }));
  }
  return m;
}

/**
 * MLflow always emits description, run_id and run_link on versions (as "" when unset), and leaves out
 * user_id and status_message while they are null. `aliases` only when the caller loaded them.
 */
export function toModelVersion(row: ModelVersionsTable, tags: KeyValue[], aliases?: string[]): ModelVersion {
  const v: ModelVersion = {
    name: row.name,
    version: String(row.version),
    creation_timestamp: Number(row.creation_time ?? 0),
  };
  if (row.last_updated_time != null) v.last_updated_timestamp = Number(row.last_updated_time);
  if (row.user_id != null) v.user_id = row.user_id;
  v.current_stage = row.current_stage ?? 'None';
  v.description = row.description ?? '';
  if (row.source != null) v.source = row.source;
  v.run_id = row.run_id ?? '';
  v.status = (row.status ?? 'READY') as ModelVersionStatus;
  if (row.status_message != null) v.status_message = row.status_message;
  if (tags.length > 0) v.tags = tags;
  v.run_link = row.run_link ?? '';
  if (aliases && aliases.length > 0) v.aliases = aliases;
  return v;
}
