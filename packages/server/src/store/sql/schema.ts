/**
 * Kysely table types for MLflow's database schema (alembic head acf3f17fdcc7, MLflow 2.9.2).
 * Names and columns match the tables Python MLflow creates, so either server can open the other's database.
 * Booleans (`is_nan`) are 0/1 on SQLite and true/false on PostgreSQL: read them with `Boolean(x)`.
 */
import type { Generated } from 'kysely';

export interface ExperimentsTable {
  experiment_id: Generated<number>;
  name: string;
  artifact_location: string | null;
  lifecycle_stage: string | null;
  creation_time: number | null;
  last_update_time: number | null;
}

export interface ExperimentTagsTable {
  key: string;
  value: string | null;
  experiment_id: number;
}

export interface RunsTable {
  run_uuid: string;
  name: string | null;
  source_type: string | null;
  source_name: string | null;
  entry_point_name: string | null;
  user_id: string | null;
  status: string | null;
  start_time: number | null;
  end_time: number | null;
  deleted_time: number | null;
  source_version: string | null;
  lifecycle_stage: string | null;
  artifact_uri: string | null;
  experiment_id: number | null;
}

export interface TagsTable {
  key: string;
  value: string | null;
  run_uuid: string;
}

export interface ParamsTable {
  key: string;
  value: string;
  run_uuid: string;
}

export interface MetricsTable {
  key: string;
  value: number;
  timestamp: number;
  run_uuid: string;
  step: number;
  is_nan: boolean | number;
}

export interface LatestMetricsTable {
  key: string;
  value: number;
  timestamp: number | null;
  step: number;
  is_nan: boolean | number;
  run_uuid: string;
}

export interface DatasetsTable {
  dataset_uuid: string;
  experiment_id: number;
  name: string;
  digest: string;
  dataset_source_type: string;
  dataset_source: string;
  dataset_schema: string | null;
  dataset_profile: string | null;
}

export interface InputsTable {
  input_uuid: string;
  source_type: string;
  source_id: string;
  destination_type: string;
  destination_id: string;
}

export interface InputTagsTable {
  input_uuid: string;
  name: string;
  value: string;
}

export interface RegisteredModelsTable {
  name: string;
  creation_time: number | null;
  last_updated_time: number | null;
  description: string | null;
}

export interface RegisteredModelTagsTable {
  key: string;
  value: string | null;
  name: string;
}

export interface ModelVersionsTable {
  name: string;
  version: number;
  creation_time: number | null;
  last_updated_time: number | null;
  description: string | null;
  user_id: string | null;
  current_stage: string | null;
  source: string | null;
  run_id: string | null;
  status: string | null;
  status_message: string | null;
  run_link: string | null;
  storage_location: string | null;
}

export interface ModelVersionTagsTable {
  key: string;
  value: string | null;
  name: string;
  version: number;
}

export interface RegisteredModelAliasesTable {
  alias: string;
  version: number;
  name: string;
}

export interface AlembicVersionTable {
  version_num: string;
}

/** Our own record of additive migrations (never touched by Python MLflow). */
export interface MlflowTsMigrationsTable {
  name: string;
  applied_at: number;
}

/** Our webhook tables (additive migration 0003; MLflow 3.x's own `webhooks` tables are left alone). */
export interface MlflowTsWebhooksTable {
  webhook_id: string;
  name: string;
  description: string | null;
  url: string;
  /** JSON array of `entity.action` keys. */
  events: string;
  secret: string | null;
  status: string;
  creation_time: number;
  last_updated_time: number;
}

export interface MlflowTsWebhookDeliveriesTable {
  delivery_id: string;
  webhook_id: string;
  event: string;
  payload: string;
  status: string;
  attempts: number;
  next_attempt_time: number | null;
  last_status_code: number | null;
  last_error: string | null;
  creation_time: number;
  last_updated_time: number;
}

export interface Database {
  experiments: ExperimentsTable;
  experiment_tags: ExperimentTagsTable;
  runs: RunsTable;
  tags: TagsTable;
  params: ParamsTable;
  metrics: MetricsTable;
  latest_metrics: LatestMetricsTable;
  datasets: DatasetsTable;
  inputs: InputsTable;
  input_tags: InputTagsTable;
  registered_models: RegisteredModelsTable;
  registered_model_tags: RegisteredModelTagsTable;
  model_versions: ModelVersionsTable;
  model_version_tags: ModelVersionTagsTable;
  registered_model_aliases: RegisteredModelAliasesTable;
  alembic_version: AlembicVersionTable;
  mlflow_ts_migrations: MlflowTsMigrationsTable;
  mlflow_ts_webhooks: MlflowTsWebhooksTable;
  mlflow_ts_webhook_deliveries: MlflowTsWebhookDeliveriesTable;
}
