/**
 * The entities the SDK returns: the wire shapes of `@mlflow-ts/protocol` (snake_case, as Python's entities
 * mirror the wire), except that metric values are always numbers — "NaN"/"Infinity"/"-Infinity" strings
 * are decoded to NaN/±Infinity (spec §0.3).
 */
import type {
  Metric as WireMetric,
  MetricWithRunId as WireMetricWithRunId,
  Run as WireRun,
  RunData as WireRunData,
} from '@mlflow-ts/protocol';

export type {
  Dataset,
  DatasetInput,
  Experiment,
  ExperimentTag,
  InputTag,
  LifecycleStage,
  Param,
  RunInfo,
  RunInputs,
  RunStatus,
  RunTag,
  ViewType,
} from '@mlflow-ts/protocol';

export interface Metric extends Omit<WireMetric, 'value'> {
  value: number;
}

export interface MetricWithRunId extends Omit<WireMetricWithRunId, 'value'> {
  value: number;
}

export interface RunData extends Omit<WireRunData, 'metrics'> {
  metrics?: Metric[];
}

/** `data` and `inputs` are always present (the server may omit them; we fill `{}`, spec §0.3 "missing == default"). */
export interface Run extends Omit<WireRun, 'data'> {
  data: RunData;
}

/** One page of a search, like Python's `PagedList`: the items and the token of the next page (null at the end). */
export interface PagedList<T> {
  items: T[];
  nextPageToken: string | null;
}

/** A metric point as callers give it: timestamp defaults to now, step to 0. */
export interface MetricInput {
  key: string;
  value: number;
  timestamp?: number;
  step?: number;
}
