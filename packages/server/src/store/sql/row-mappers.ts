/** Database rows → wire entities (spec §2.2): optional fields omitted when null, ids as strings. */
import type {
  Experiment,
  KeyValue,
  LifecycleStage,
  Metric,
  RunInfo,
  RunStatus,
  WireDouble,
} from '@mlflow-ts/protocol';
import type { ExperimentsTable, RunsTable } from './schema.ts';

type Row<T> = { [K in keyof T]: T[K] extends import('kysely').Generated<infer U> ? U : T[K] };

export function toExperiment(row: Row<ExperimentsTable>, tags: KeyValue[]): Experiment {
  const e: Experiment = {
    experiment_id: String(row.experiment_id),
    name: row.name,
    artifact_location: row.artifact_location ?? '',
    lifecycle_stage: (row.lifecycle_stage ?? 'active') as LifecycleStage,
  };
  if (row.last_update_time != null) e.last_update_time = Number(row.last_update_time);
  if (row.creation_time != null) e.creation_time = Number(row.creation_time);
  if (tags.length > 0) e.tags = tags;
  return e;
}

export function toRunInfo(row: RunsTable): RunInfo {
  const info: RunInfo = {
    run_uuid: row.run_uuid,
    experiment_id: String(row.experiment_id),
    user_id: row.user_id ?? '',
    status: (row.status ?? 'RUNNING') as RunStatus,
    lifecycle_stage: (row.lifecycle_stage ?? 'active') as LifecycleStage,
    run_id: row.run_uuid,
  };
  if (row.name != null) info.run_name = row.name;
  if (row.start_time != null) info.start_time = Number(row.start_time);
  // MLflow leaves end_time out while the run has none.
  if (row.end_time != null) info.end_time = Number(row.end_time);
  if (row.artifact_uri != null) info.artifact_uri = row.artifact_uri;
  // Key order as MLflow prints RunInfo.
  return {
    run_uuid: info.run_uuid,
    experiment_id: info.experiment_id,
    ...(info.run_name !== undefined && { run_name: info.run_name }),
    user_id: info.user_id,
    status: info.status,
    ...(info.start_time !== undefined && { start_time: info.start_time }),
    ...(info.end_time !== undefined && { end_time: info.end_time }),
    ...(info.artifact_uri !== undefined && { artifact_uri: info.artifact_uri }),
    lifecycle_stage: info.lifecycle_stage,
    run_id: info.run_id,
  };
}

/** NaN is stored as 0 with `is_nan` set; it goes out as the string "NaN" (spec §3.3). */
export function wireDouble(value: number, isNan: boolean | number): WireDouble {
  if (isNan) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  return value;
}

export function toMetric(row: {
  key: string;
  value: number;
  timestamp: number | null;
  step: number;
  is_nan: boolean | number;
}): Metric {
  return {
    key: row.key,
    value: wireDouble(Number(row.value), row.is_nan),
    timestamp: Number(row.timestamp ?? 0),
    step: Number(row.step),
  };
}

export const RUN_COLUMNS = [
  'run_uuid',
  'name',
  'source_type',
  'source_name',
  'entry_point_name',
  'user_id',
  'status',
  'start_time',
  'end_time',
  'deleted_time',
  'source_version',
  'lifecycle_stage',
  'artifact_uri',
  'experiment_id',
] as const;
