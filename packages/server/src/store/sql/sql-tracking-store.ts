import { resolve } from 'node:path';
import type { DatasetSummary, KeyValue, Run, RunInfo, RunStatus } from '@mlflow-ts/protocol';
import { BatchWriter } from '../../write-thread/batch-writer.ts';
import type {
  DatasetInputRecord,
  MetricInput,
  Page,
  RunSearchQuery,
  TrackingStore,
} from '../tracking-store.ts';
import type { SqlDialect } from './dialect.ts';
import { parseExperimentId, SqlExperimentStore } from './experiment-store.ts';
import { SqlMetricHistory } from './metric-history.ts';
import { migrate } from './migrate.ts';
import { type DatabaseOptions, openDatabase, sqlitePathFromUri } from './open-database.ts';
import { SqlPurgeStore } from './purge-store.ts';
import { SqlRegistryStore } from './registry-store.ts';
import { SqlRunInputs } from './run-inputs.ts';
import { SqlRunKeysStore } from './run-keys-store.ts';
import { SqlRunStore } from './run-store.ts';
import { searchRuns, searchRunsJson } from './search-runs-sql.ts';
import { SqlWebhookStore } from './webhook-store.ts';

export interface SqlTrackingStoreOptions extends DatabaseOptions {
  /** Root under which new experiments get their artifact location, e.g. `mlflow-artifacts:/`. */
  defaultArtifactRoot: string;
  now?: () => number;
  /** Memory for recently sent whole metric histories (history-cache.ts); 0 or absent: none. */
  historyCacheBytes?: number;
  /**
   * SQLite file only: large log-batch requests on a write thread of its own (write-thread/batch-writer.ts).
   * Default off.
   */
  sqliteWriteThread?: boolean;
  /** The write thread stops after this long without a batch (default 60 s). */
  sqliteWriteThreadIdleMs?: number;
}

/** The tracking store over SQLite or PostgreSQL: one object composed of the per-aggregate parts. */
export class SqlTrackingStore extends SqlExperimentStore implements TrackingStore {
  private readonly runs: SqlRunStore;
  private readonly history: SqlMetricHistory;
  private readonly inputs: SqlRunInputs;

  /** The log-batch write thread, if the store was opened with one. */
  private batchWriter: BatchWriter | undefined;

  constructor(dialect: SqlDialect, options: SqlTrackingStoreOptions, batchWriter?: BatchWriter) {
    super(dialect, options.defaultArtifactRoot, options.now);
    this.runs = new SqlRunStore(dialect, options.now);
    this.history = new SqlMetricHistory(dialect, options.historyCacheBytes);
    this.inputs = new SqlRunInputs(dialect);
    this.registry = new SqlRegistryStore(dialect, options.now);
    this.webhooks = new SqlWebhookStore(dialect);
    this.purge = new SqlPurgeStore(dialect);
    this.runKeys = new SqlRunKeysStore(dialect);
    this.batchWriter = batchWriter;
  }

  /** Distinct metric/param/tag keys per experiment, for the web UI (our addition). */
  readonly runKeys: SqlRunKeysStore;

  /** Permanent deletion for `mlflow-ts gc`. */
  readonly purge: SqlPurgeStore;

  /** Webhooks and their deliveries, in our own tables of the same database. */
  readonly webhooks: SqlWebhookStore;

  /** The model registry on the same database and connection (MLflow keeps both in one schema). */
  readonly registry: SqlRegistryStore;

  createRun(input: {
    experimentId: string;
    userId: string;
    runName?: string;
    startTime: number;
    tags: KeyValue[];
  }) {
    return this.runs.createRun(input);
  }
  getRun(runId: string) {
    return this.runs.getRun(runId);
  }
  updateRun(
    runId: string,
    update: { status?: RunStatus; endTime?: number; runName?: string },
  ): Promise<RunInfo> {
    return this.runs.updateRun(runId, update);
  }
  deleteRun(runId: string) {
    return this.runs.deleteRun(runId);
  }
  restoreRun(runId: string) {
    return this.runs.restoreRun(runId);
  }
  logBatch(runId: string, batch: { metrics: MetricInput[]; params: KeyValue[]; tags: KeyValue[] }) {
    const here = () => this.runs.logBatch(runId, batch);
    return this.batchWriter ? this.batchWriter.logBatch(runId, batch, here) : here();
  }
  deleteTag(runId: string, key: string) {
    return this.runs.deleteTag(runId, key);
  }
  appendLoggedModel(runId: string, model: Record<string, unknown>) {
    return this.runs.appendLoggedModel(runId, model);
  }
  logInputs(runId: string, datasets: DatasetInputRecord[]) {
    return this.inputs.logInputs(runId, datasets);
  }
  async searchRuns(query: RunSearchQuery): Promise<Page<Run>> {
    return { items: await searchRuns(this.dialect, query) };
  }
  async searchRunsJson(query: RunSearchQuery): Promise<Page<string>> {
    return { items: await searchRunsJson(this.dialect, query) };
  }
  searchDatasets(experimentIds: string[]): Promise<DatasetSummary[]> {
    return this.inputs.searchDatasets(
      experimentIds.map(parseExperimentId).filter((n): n is number => n !== undefined),
    );
  }
  getMetricHistoryPage(runId: string, key: string, offset: number, limit: number) {
    return this.history.getMetricHistoryPage(runId, key, offset, limit);
  }
  getMetricHistoryPageJson(runId: string, key: string, offset: number, limit: number) {
    return this.history.getMetricHistoryPageJson(runId, key, offset, limit);
  }
  /** Whether log-batch runs on a write thread now (false without one, or while it starts). */
  get writeThreadReady(): boolean {
    return this.batchWriter?.threadReady ?? false;
  }
  /** Hits, misses and size of the whole-history cache (undefined without one). */
  get historyCacheStats() {
    return this.history.cacheStats;
  }
  streamMetricHistoryJson(runId: string, key: string) {
    return this.history.streamMetricHistoryJson(runId, key);
  }
  getMetricHistoryBulkInterval(query: {
    runIds: string[];
    key: string;
    startStep?: number;
    endStep?: number;
    maxResults: number;
  }) {
    return this.history.getMetricHistoryBulkInterval(query);
  }
  getMetricHistoryBulk(runIds: string[], key: string, maxResults: number) {
    return this.history.getMetricHistoryBulk(runIds, key, maxResults);
  }
  async close(): Promise<void> {
    await this.batchWriter?.close();
    await this.dialect.close();
  }
}

/** Opens the database named by the URI, brings its schema up to date and creates the Default experiment. */
export async function openSqlTrackingStore(
  uri: string,
  options: SqlTrackingStoreOptions,
): Promise<SqlTrackingStore> {
  const path = /^sqlite:/i.test(uri) ? sqlitePathFromUri(uri) : undefined;
  // Built first, it starts no thread: the dialect needs its lock (the thread comes with the first batch).
  const batchWriter =
    options.sqliteWriteThread === true && path !== undefined && path !== ':memory:'
      ? new BatchWriter({
          path: resolve(path),
          synchronous: options.sqliteSynchronous,
          busyTimeoutMs: options.sqliteBusyTimeoutMs,
          checkpointThread: options.sqliteCheckpointThread,
          idleMs: options.sqliteWriteThreadIdleMs,
        })
      : undefined;
  const dialect = openDatabase(uri, { ...options, sqliteWriteLock: batchWriter?.mainLock });
  try {
    await migrate(dialect);
    const store = new SqlTrackingStore(dialect, options, batchWriter);
    await store.ensureDefaultExperiment();
    return store;
  } catch (err) {
    await dialect.close();
    throw err;
  }
}
