/** Entity JSON exactly as it travels on the wire (spec §2). Absent optional fields are omitted, never null. */

export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';
export const VIEW_TYPES = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] as const;
export const VIEW_TYPE_NUMBERS = [1, 2, 3] as const;

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
export const RUN_STATUSES = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] as const;
export const RUN_STATUS_NUMBERS = [1, 2, 3, 4, 5] as const;

export type LifecycleStage = 'active' | 'deleted';

/** A double on the wire: finite numbers as numbers, NaN and ±Infinity as strings (spec §0.3). */
export type WireDouble = number | 'NaN' | 'Infinity' | '-Infinity';

export interface KeyValue {
  key: string;
  value: string;
}
export type ExperimentTag = KeyValue;
export type RunTag = KeyValue;
export type Param = KeyValue;
export type InputTag = KeyValue;

export interface Experiment {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: LifecycleStage;
  last_update_time?: number;
  creation_time?: number;
  tags?: ExperimentTag[];
}

export interface RunInfo {
  run_uuid: string;
  experiment_id: string;
  run_name?: string;
  user_id: string;
  status: RunStatus;
  start_time?: number;
  end_time?: number;
  artifact_uri?: string;
  lifecycle_stage: LifecycleStage;
  run_id: string;
}

export interface Metric {
  key: string;
  value: WireDouble;
  timestamp: number;
  step: number;
}

export interface MetricWithRunId extends Metric {
  run_id: string;
}

export interface Dataset {
  name: string;
  digest: string;
  source_type: string;
  source: string;
  schema?: string;
  profile?: string;
}

export interface DatasetInput {
  tags?: InputTag[];
  dataset: Dataset;
}

export interface RunData {
  metrics?: Metric[];
  params?: Param[];
  tags?: RunTag[];
}

export interface RunInputs {
  dataset_inputs?: DatasetInput[];
}

/** `inputs` is absent in the runs/create response (as MLflow answers), present (maybe `{}`) elsewhere. */
export interface Run {
  info: RunInfo;
  data: RunData;
  inputs?: RunInputs;
}

export interface FileInfo {
  path: string;
  is_dir: boolean;
  file_size?: number;
}

export interface DatasetSummary {
  experiment_id: string;
  name: string;
  digest: string;
  context?: string;
}

// ---- model registry (spec §2.3) ----

/** Stages as they go out on the wire; input is case-insensitive (spec §1.4). */
export const MODEL_VERSION_STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;
export type ModelVersionStage = (typeof MODEL_VERSION_STAGES)[number];

export type ModelVersionStatus = 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION' | 'READY';

export interface ModelVersion {
  name: string;
  /** A decimal string, e.g. "3" (spec §13 item 12). */
  version: string;
  creation_timestamp: number;
  last_updated_timestamp?: number;
  user_id?: string;
  current_stage?: string;
  description?: string;
  source?: string;
  run_id?: string;
  status?: ModelVersionStatus;
  status_message?: string;
  tags?: KeyValue[];
  run_link?: string;
  /** Alias names pointing at this version; only on single-version reads (not in searches). */
  aliases?: string[];
}

export interface RegisteredModelAlias {
  alias: string;
  /** A string, unlike everywhere else an alias's version appears. */
  version: string;
}

export interface RegisteredModel {
  name: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  user_id?: string;
  description?: string;
  latest_versions?: ModelVersion[];
  tags?: KeyValue[];
  aliases?: RegisteredModelAlias[];
}

// ---- webhooks (spec §1.9; deliveries are ours) ----

export type WebhookStatus = 'ACTIVE' | 'DISABLED';

/** Entity and action in upper case as on the wire, e.g. `{entity: "MODEL_VERSION", action: "CREATED"}`. */
export interface WebhookEvent {
  entity: string;
  action: string;
}

export interface Webhook {
  webhook_id: string;
  name: string;
  description?: string;
  url: string;
  events: WebhookEvent[];
  status: WebhookStatus;
  creation_timestamp: number;
  last_updated_timestamp: number;
}

export type WebhookDeliveryStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED';

export interface WebhookDelivery {
  delivery_id: string;
  webhook_id: string;
  event: WebhookEvent;
  status: WebhookDeliveryStatus;
  attempts: number;
  last_status_code?: number;
  last_error?: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  next_attempt_timestamp?: number;
}

export interface WebhookTestResult {
  success: boolean;
  response_status?: number;
  response_body?: string;
  error_message?: string;
}
