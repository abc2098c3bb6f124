/**
 * MlflowClient: every tracking call of Python's `mlflow.client.MlflowClient`, in camelCase, with camelCase
 * options. Returns the wire entities (snake_case) with metric values decoded to numbers.
 */

import type { FileInfo, ListArtifactsResponse } from '@mlflow-ts/protocol';
import { LIMITS } from '@mlflow-ts/protocol';
import { ArtifactHttp, type UploadBody } from './artifact-http.ts';
import {
  joinPath,
  type ProxyLocation,
  parseRunsUri,
  proxyLocationOf,
  uploadContentType,
} from './artifact-uri.ts';
import { splitBatch } from './batch-split.ts';
import { resolveClientOptions } from './config.ts';
import type {
  DatasetInput,
  Experiment,
  Metric,
  MetricInput,
  MetricWithRunId,
  PagedList,
  Run,
  RunInfo,
  RunStatus,
  RunTag,
  ViewType,
} from './entities.ts';
import { isApiError } from './errors.ts';
import { RegistryClient } from './registry-client.ts';
import { RestClient, type RestClientOptions } from './rest-client.ts';
import { toYaml } from './yaml-lite.ts';

export type MlflowClientOptions = Partial<RestClientOptions>;

export interface SearchExperimentsOptions {
  viewType?: ViewType;
  maxResults?: number;
  filterString?: string;
  orderBy?: string[];
  pageToken?: string;
}

export interface SearchRunsOptions {
  filterString?: string;
  runViewType?: ViewType;
  maxResults?: number;
  orderBy?: string[];
  pageToken?: string;
}

export interface LogBatchInput {
  metrics?: MetricInput[];
  params?: { key: string; value: string }[];
  tags?: RunTag[];
}

/** Python's SEARCH_MAX_RESULTS_DEFAULT; experiments/search rejects an absent max_results (spec §13.14). */
const SEARCH_MAX_RESULTS_DEFAULT = 1000;

const toTags = (tags: Record<string, string> = {}) =>
  Object.entries(tags).map(([key, value]) => ({ key, value }));
const page = <T>(items: T[] | undefined, token: string | undefined): PagedList<T> => ({
  items: items ?? [],
  // The server omits the token at the end; Python also treats "" as the end (spec §3.2).
  nextPageToken: token ? token : null,
});

/** Tracking and artifact calls here; the registry calls come from RegistryClient. */
export class MlflowClient extends RegistryClient {
  /** A tracking URI, or options; unset options come from getTrackingUri() and MLFLOW_* variables. */
  constructor(options: string | MlflowClientOptions = {}) {
    const opts = typeof options === 'string' ? { trackingUri: options } : options;
    super(new RestClient(resolveClientOptions(opts)));
  }

  get trackingUri(): string {
    return this.rest.baseUrl;
  }

  // ---- experiments (spec §1.1) ----

  async createExperiment(
    name: string,
    opts: { artifactLocation?: string; tags?: Record<string, string> } = {},
  ): Promise<string> {
    const tags = toTags(opts.tags);
    const res = await this.rest.call('createExperiment', {
      name,
      artifact_location: opts.artifactLocation,
      tags: tags.length ? tags : undefined,
    });
    return res.experiment_id;
  }

  async getExperiment(experimentId: string): Promise<Experiment> {
    return (await this.rest.call('getExperiment', { experiment_id: experimentId })).experiment;
  }

  /** null when the server says RESOURCE_DOES_NOT_EXIST — the signal setExperiment uses to create. */
  async getExperimentByName(name: string): Promise<Experiment | null> {
    try {
      return (await this.rest.call('getExperimentByName', { experiment_name: name })).experiment;
    } catch (err) {
      if (isApiError(err, 'RESOURCE_DOES_NOT_EXIST')) return null;
      throw err;
    }
  }

  async searchExperiments(opts: SearchExperimentsOptions = {}): Promise<PagedList<Experiment>> {
    const res = await this.rest.call('searchExperiments', {
      max_results: opts.maxResults ?? SEARCH_MAX_RESULTS_DEFAULT,
      view_type: opts.viewType ?? 'ACTIVE_ONLY',
      filter: opts.filterString,
      order_by: opts.orderBy,
      page_token: opts.pageToken,
    });
    return page(res.experiments, res.next_page_token);
  }

  async deleteExperiment(experimentId: string): Promise<void> {
    await this.rest.call('deleteExperiment', { experiment_id: experimentId });
  }

  async restoreExperiment(experimentId: string): Promise<void> {
    await this.rest.call('restoreExperiment', { experiment_id: experimentId });
  }

  async renameExperiment(experimentId: string, newName: string): Promise<void> {
    await this.rest.call('updateExperiment', { experiment_id: experimentId, new_name: newName });
  }

  async setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
    await this.rest.call('setExperimentTag', { experiment_id: experimentId, key, value });
  }

  async deleteExperimentTag(experimentId: string, key: string): Promise<void> {
    await this.rest.call('deleteExperimentTag', { experiment_id: experimentId, key });
  }

  // ---- runs (spec §1.2) ----

  /** `user_id` is the `mlflow.user` tag or "unknown", as Python sends it. */
  async createRun(
    experimentId: string,
    opts: { startTime?: number; tags?: Record<string, string>; runName?: string } = {},
  ): Promise<Run> {
    const tags = toTags(opts.tags);
    const res = await this.rest.call('createRun', {
      experiment_id: experimentId,
      user_id: opts.tags?.['mlflow.user'] ?? 'unknown',
      run_name: opts.runName,
      start_time: opts.startTime ?? Date.now(),
      tags: tags.length ? tags : undefined,
    });
    return res.run;
  }

  async getRun(runId: string): Promise<Run> {
    return (await this.rest.call('getRun', { run_id: runId, run_uuid: runId })).run;
  }

  /**
   * Without a status, the run's current one is read first and sent back — what Python does, because
   * older servers overwrite the status with the proto default when the field is absent.
   */
  async updateRun(runId: string, opts: { status?: RunStatus; name?: string } = {}): Promise<RunInfo> {
    const status = opts.status ?? (await this.getRun(runId)).info.status;
    const res = await this.rest.call('updateRun', {
      run_id: runId,
      run_uuid: runId,
      status,
      run_name: opts.name,
    });
    return res.run_info;
  }

  async setTerminated(runId: string, status: RunStatus = 'FINISHED', endTime?: number): Promise<RunInfo> {
    const res = await this.rest.call('updateRun', {
      run_id: runId,
      run_uuid: runId,
      status,
      end_time: endTime ?? Date.now(),
    });
    return res.run_info;
  }

  async deleteRun(runId: string): Promise<void> {
    await this.rest.call('deleteRun', { run_id: runId });
  }

  async restoreRun(runId: string): Promise<void> {
    await this.rest.call('restoreRun', { run_id: runId });
  }

  async logMetric(
    runId: string,
    key: string,
    value: number,
    opts: { timestamp?: number; step?: number } = {},
  ): Promise<void> {
    await this.rest.call('logMetric', {
      run_id: runId,
      run_uuid: runId,
      key,
      value,
      timestamp: opts.timestamp ?? Date.now(),
      step: opts.step ?? 0,
    });
  }

  /** Returns the value as sent (Python returns it too). Params are immutable once logged (spec §3.4). */
  async logParam(runId: string, key: string, value: unknown): Promise<string> {
    const text = stringify(value);
    await this.rest.call('logParam', { run_id: runId, run_uuid: runId, key, value: text });
    return text;
  }

  async setTag(runId: string, key: string, value: unknown): Promise<void> {
    await this.rest.call('setTag', { run_id: runId, run_uuid: runId, key, value: stringify(value) });
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    await this.rest.call('deleteTag', { run_id: runId, key });
  }

  /**
   * Logs any number of entities, split into requests within the server's batch limits. Each request is
   * atomic on its own; a large batch is not (a failure midway leaves the earlier requests applied).
   */
  async logBatch(runId: string, batch: LogBatchInput): Promise<void> {
    const now = Date.now();
    const metrics = (batch.metrics ?? []).map((m) => ({
      key: m.key,
      value: m.value,
      timestamp: m.timestamp ?? now,
      step: m.step ?? 0,
    }));
    for (const c of splitBatch(metrics, batch.params ?? [], batch.tags ?? [])) {
      await this.rest.call('logBatch', {
        run_id: runId,
        metrics: c.metrics.length ? c.metrics : undefined,
        params: c.params.length ? c.params : undefined,
        tags: c.tags.length ? c.tags : undefined,
      });
    }
  }

  /** An empty list sends nothing, as in Python. */
  async logInputs(runId: string, datasets: DatasetInput[] = []): Promise<void> {
    if (datasets.length === 0) return;
    await this.rest.call('logInputs', { run_id: runId, datasets });
  }

  async searchRuns(experimentIds: string | string[], opts: SearchRunsOptions = {}): Promise<PagedList<Run>> {
    const res = await this.rest.call('searchRuns', {
      experiment_ids: typeof experimentIds === 'string' ? [experimentIds] : experimentIds,
      filter: opts.filterString ?? '',
      run_view_type: opts.runViewType ?? 'ACTIVE_ONLY',
      max_results: opts.maxResults ?? SEARCH_MAX_RESULTS_DEFAULT,
      order_by: opts.orderBy,
      page_token: opts.pageToken,
    });
    return page(res.runs, res.next_page_token);
  }

  /** Every point of one metric, following page tokens (MLflow OSS answers in one page; others may not). */
  async getMetricHistory(runId: string, key: string): Promise<Metric[]> {
    const all: Metric[] = [];
    let pageToken: string | undefined;
    do {
      const res = await this.rest.call('getMetricHistory', {
        run_id: runId,
        run_uuid: runId,
        metric_key: key,
        max_results: LIMITS.metricHistoryPageDefault,
        page_token: pageToken,
      });
      all.push(...(res.metrics ?? []));
      pageToken = res.next_page_token || undefined;
    } while (pageToken);
    return all;
  }

  /** Sampled history of one metric over ≤100 runs; pass both or neither of startStep/endStep (spec §1.2). */
  async getMetricHistoryBulkInterval(
    runIds: string[],
    metricKey: string,
    opts: { startStep?: number; endStep?: number; maxResults?: number } = {},
  ): Promise<MetricWithRunId[]> {
    const res = await this.rest.call('getMetricHistoryBulkInterval', {
      run_ids: runIds,
      metric_key: metricKey,
      start_step: opts.startStep,
      end_step: opts.endStep,
      max_results: opts.maxResults,
    });
    return res.metrics ?? [];
  }

  // ---- artifacts (spec §1.3, §1.5, §7.1) ----

  private artifactRoots = new Map<string, string>();
  private transfers: ArtifactHttp | undefined;

  /** Byte transfers with the server's artifact proxy, sharing this client's auth and retry settings. */
  get artifactHttp(): ArtifactHttp {
    this.transfers ??= new ArtifactHttp(this.rest);
    return this.transfers;
  }

  /** The run's artifact root URI (cached: a run's artifact location never changes). */
  async getRunArtifactUri(runId: string): Promise<string> {
    let uri = this.artifactRoots.get(runId);
    if (uri === undefined) {
      uri = (await this.getRun(runId)).info.artifact_uri ?? '';
      this.artifactRoots.set(runId, uri);
    }
    return uri;
  }

  /** `runs:/id/path` and `models:/…` → the artifact URI they stand for; other URIs as they are. */
  async resolveArtifactUri(uri: string): Promise<string> {
    const runs = parseRunsUri(uri);
    if (runs) {
      const root = await this.getRunArtifactUri(runs.runId);
      return runs.path ? `${root.replace(/\/+$/, '')}/${runs.path}` : root;
    }
    if (uri.startsWith('models:/')) {
      // A version registered from `runs:/…` keeps that as its location: resolve it in turn.
      const location = await this.resolveModelsUri(uri);
      return location.startsWith('models:/') ? location : this.resolveArtifactUri(location);
    }
    return uri;
  }

  /** Where an artifact URI is on the artifact proxy; throws for storage the SDK cannot reach. */
  proxyLocation(uri: string): ProxyLocation {
    const at = proxyLocationOf(uri, this.rest.baseUrl);
    if (!at) {
      throw new Error(
        `artifact URI '${uri}' is not served by an MLflow artifact proxy; this SDK transfers artifacts ` +
          'through the tracking server (start it with --serve-artifacts)',
      );
    }
    return at;
  }

  /** The proxy location of `path` below a run's artifact root. */
  async runArtifactLocation(runId: string, path = ''): Promise<ProxyLocation> {
    const root = this.proxyLocation(await this.getRunArtifactUri(runId));
    return { base: root.base, path: joinPath(root.path, path) };
  }

  /** Direct children of a directory of the run's artifacts, paths relative to the run's root. */
  async listArtifacts(runId: string, path?: string): Promise<FileInfo[]> {
    const res = await this.rest.request<ListArtifactsResponse>({
      method: 'GET',
      path: '/api/2.0/mlflow/artifacts/list',
      fields: { run_id: runId, run_uuid: runId, ...(path ? { path } : {}) },
      rpc: 'listArtifacts',
    });
    return res.files ?? [];
  }

  /** Uploads bytes as the artifact file `artifactFile` (a path relative to the run's root). */
  async uploadArtifact(
    runId: string,
    artifactFile: string,
    body: UploadBody,
    contentType?: string,
  ): Promise<void> {
    const at = await this.runArtifactLocation(runId, artifactFile);
    if (at.path === '' || artifactFile.replace(/\/+$/, '') === '')
      throw new Error('artifactFile must name a file');
    await this.artifactHttp.upload(at, body, contentType ?? uploadContentType(artifactFile));
  }

  /** Python's `log_text`: the text as a UTF-8 file. */
  async logText(runId: string, text: string, artifactFile: string): Promise<void> {
    await this.uploadArtifact(runId, artifactFile, text);
  }

  /** Python's `log_dict`: YAML for `.yaml`/`.yml` files, JSON (2-space indent) otherwise. */
  async logDict(runId: string, dict: unknown, artifactFile: string): Promise<void> {
    const yaml = /\.ya?ml$/i.test(artifactFile);
    await this.uploadArtifact(runId, artifactFile, yaml ? toYaml(dict) : JSON.stringify(dict, null, 2));
  }
}

/** Values become strings as Python's str() would for the common cases; objects as JSON. */
export function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}
