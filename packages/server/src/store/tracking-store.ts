/**
 * The tracking store, split by aggregate. Implementations return entities in their wire shape
 * (protocol's types), so the HTTP layer only serialises them.
 */
import type {
  Dataset,
  DatasetSummary,
  Experiment,
  KeyValue,
  Metric,
  MetricWithRunId,
  Run,
  RunInfo,
  RunStatus,
  ViewType,
} from '@mlflow-ts/protocol';
import type { ExperimentClause, ExperimentOrderKey, RunClause, RunOrderKey } from '../core/search/index.ts';

export interface MetricInput {
  key: string;
  /** May be NaN or ±Infinity. */
  value: number;
  timestamp: number;
  step: number;
}

export interface DatasetInputRecord {
  dataset: Dataset;
  tags: KeyValue[];
}

export interface Page<T> {
  items: T[];
  /** Offset of the next page, when the store knows there is one. */
  nextOffset?: number;
}

/** A runs/search request as the store takes it: filter and order already parsed (spec §4.1). */
export interface RunSearchQuery {
  experimentIds: string[];
  filter: RunClause[];
  orderBy: RunOrderKey[];
  viewType: ViewType;
  maxResults: number;
  offset: number;
}

/** An experiments/search request as the store takes it (spec §4.2). */
export interface ExperimentSearchQuery {
  viewType: ViewType;
  filter: ExperimentClause[];
  orderBy: ExperimentOrderKey[];
  maxResults: number;
  offset: number;
}

export interface ExperimentStore {
  createExperiment(input: { name: string; artifactLocation?: string; tags: KeyValue[] }): Promise<string>;
  getExperiment(experimentId: string): Promise<Experiment>;
  getExperimentByName(name: string): Promise<Experiment | undefined>;
  searchExperiments(query: ExperimentSearchQuery): Promise<Page<Experiment>>;
  /**
   * The same page as JSON texts of the experiments, built by the database (the HTTP path): equal to
   * JSON.stringify of searchExperiments' items.
   */
  searchExperimentsJson(query: ExperimentSearchQuery): Promise<Page<string>>;
  deleteExperiment(experimentId: string): Promise<void>;
  restoreExperiment(experimentId: string): Promise<void>;
  renameExperiment(experimentId: string, newName: string): Promise<void>;
  setExperimentTag(experimentId: string, key: string, value: string): Promise<void>;
  deleteExperimentTag(experimentId: string, key: string): Promise<void>;
}

export interface RunStore {
  createRun(input: {
    experimentId: string;
    userId: string;
    runName?: string;
    startTime: number;
    tags: KeyValue[];
  }): Promise<Run>;
  getRun(runId: string): Promise<Run>;
  updateRun(
    runId: string,
    update: { status?: RunStatus; endTime?: number; runName?: string },
  ): Promise<RunInfo>;
  deleteRun(runId: string): Promise<void>;
  restoreRun(runId: string): Promise<void>;
  /** Atomic: all of it is written, or none (a param conflict fails the whole batch). */
  logBatch(
    runId: string,
    batch: { metrics: MetricInput[]; params: KeyValue[]; tags: KeyValue[] },
  ): Promise<void>;
  deleteTag(runId: string, key: string): Promise<void>;
  logInputs(runId: string, datasets: DatasetInputRecord[]): Promise<void>;
  /** Appends one model's metadata to the run's `mlflow.log-model.history` tag. */
  appendLoggedModel(runId: string, model: Record<string, unknown>): Promise<void>;
  searchRuns(query: RunSearchQuery): Promise<Page<Run>>;
  /**
   * The same page as JSON texts of the runs, their children spliced in as the database wrote them (the
   * HTTP path): equal to JSON.stringify of searchRuns' items.
   */
  searchRunsJson(query: RunSearchQuery): Promise<Page<string>>;
  searchDatasets(experimentIds: string[]): Promise<DatasetSummary[]>;
}

export interface MetricStore {
  /** One page of a metric's history, ordered by step, timestamp, value. */
  getMetricHistoryPage(runId: string, key: string, offset: number, limit: number): Promise<Page<Metric>>;
  /** The same page as a JSON array text made by the database (`null` when empty): the HTTP path. */
  getMetricHistoryPageJson(
    runId: string,
    key: string,
    offset: number,
    limit: number,
  ): Promise<{ json: string | null; nextOffset?: number }>;
  /**
   * The whole history as JSON array texts of bounded chunks, never all in memory (UTF-8 bytes when
   * they come from the history cache).
   */
  streamMetricHistoryJson(runId: string, key: string): AsyncIterable<string | Uint8Array>;
  getMetricHistoryBulkInterval(query: {
    runIds: string[];
    key: string;
    startStep?: number;
    endStep?: number;
    maxResults: number;
  }): Promise<MetricWithRunId[]>;
  getMetricHistoryBulk(runIds: string[], key: string, maxResults: number): Promise<MetricWithRunId[]>;
}

export interface TrackingStore extends ExperimentStore, RunStore, MetricStore {
  close(): Promise<void>;
}
