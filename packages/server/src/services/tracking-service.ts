/**
 * The tracking RPCs: argument rules (spec §1.1, §1.2, §3) and the calls into the store. No HTTP here:
 * each method takes the decoded request and returns the response body.
 */
import type {
  CreateExperimentResponse,
  Dataset,
  GetExperimentResponse,
  GetMetricHistoryBulkIntervalResponse,
  GetRunResponse,
  KeyValue,
  RunStatus,
  SearchDatasetsResponse,
  UpdateRunResponse,
  ViewType,
} from '@mlflow-ts/protocol';
import { LIMITS } from '@mlflow-ts/protocol';
import { MlflowError } from '../core/mlflow-error.ts';
import { ParamConflictError } from '../core/param-conflict.ts';
import {
  decodePageToken,
  encodePageToken,
  parseExperimentFilter,
  parseExperimentOrderBy,
  parseRunFilter,
  parseRunOrderBy,
} from '../core/search/index.ts';
import {
  required,
  validateBatchLimits,
  validateExperimentName,
  validateExperimentTag,
  validateMetric,
  validateMetricKey,
  validateMetricPoint,
  validateNoDuplicateParamKeys,
  validateParam,
  validateRunId,
  validateRunTag,
} from '../core/validation.ts';
import type { MetricInput, TrackingStore } from '../store/tracking-store.ts';
import { type ServerEvents, silentEvents } from './events.ts';
import { JsonText, type StreamedJson } from './json-body.ts';

const missing = MlflowError.missingParameter;

/** Endpoints that take both names use `run_id` first and fall back to `run_uuid` (spec §0.2). */
function runIdOf(req: { run_id?: string; run_uuid?: string }): string {
  const id = req.run_id || req.run_uuid;
  if (!id) throw missing('run_id');
  return id;
}

const tagsOf = (tags: { key?: string; value?: string }[] | undefined): KeyValue[] =>
  (tags ?? []).map((t) => ({ key: t.key ?? '', value: t.value ?? '' }));

export class TrackingService {
  constructor(
    private readonly store: TrackingStore,
    private readonly now: () => number = Date.now,
    private readonly events: ServerEvents = silentEvents,
  ) {}

  // ---------------------------------------------------------------- experiments
  async createExperiment(req: {
    name: string;
    artifact_location?: string;
    tags?: { key?: string; value?: string }[];
  }): Promise<CreateExperimentResponse> {
    validateExperimentName(req.name);
    if (req.artifact_location) validateArtifactLocation(req.artifact_location);
    const tags = tagsOf(req.tags);
    for (const t of tags) validateExperimentTag(t.key, t.value);
    const id = await this.store.createExperiment({
      name: req.name,
      artifactLocation: req.artifact_location,
      tags,
    });
    this.events.emit('experiment.created', { experiment_id: id, name: req.name });
    return { experiment_id: id };
  }

  async getExperiment(req: { experiment_id: string }): Promise<GetExperimentResponse> {
    return { experiment: await this.store.getExperiment(req.experiment_id) };
  }

  async getExperimentByName(req: { experiment_name: string }): Promise<GetExperimentResponse> {
    const experiment = await this.store.getExperimentByName(req.experiment_name);
    if (!experiment) {
      // The Python client's set_experiment creates the experiment on exactly this code (spec §0.4).
      throw MlflowError.notFound(`Could not find experiment with name '${req.experiment_name}'`);
    }
    return { experiment };
  }

  async searchExperiments(req: {
    max_results?: number;
    page_token?: string;
    filter?: string;
    order_by?: string[];
    view_type?: ViewType;
  }): Promise<JsonText> {
    // MLflow requires max_results here; its own client always sends 1000, so that is our default.
    const maxResults = req.max_results ?? 1000;
    if (maxResults <= 0) {
      throw MlflowError.invalidParameter(
        `Invalid value for max_results. It must be a positive integer, but got ${maxResults}`,
      );
    }
    if (maxResults > LIMITS.searchExperimentsMaxResults) {
      throw MlflowError.invalidParameter(
        `Invalid value for max_results. It must be at most ${LIMITS.searchExperimentsMaxResults}, but got ${maxResults}`,
      );
    }
    // The experiments arrive as JSON text built by the database; only the envelope is written here.
    const page = await this.store.searchExperimentsJson({
      viewType: req.view_type ?? 'ACTIVE_ONLY',
      filter: parseExperimentFilter(req.filter),
      orderBy: parseExperimentOrderBy(req.order_by),
      maxResults,
      offset: decodePageToken(req.page_token),
    });
    const members: string[] = [];
    if (page.items.length > 0) members.push(`"experiments":[${page.items.join(',')}]`);
    if (page.nextOffset !== undefined) {
      members.push(`"next_page_token":${JSON.stringify(encodePageToken(page.nextOffset))}`);
    }
    return new JsonText(`{${members.join(',')}}`);
  }

  /** The 1.x `experiments/list` that older clients call. */
  listExperiments(req: { view_type?: ViewType; max_results?: number; page_token?: string }) {
    return this.searchExperiments({ ...req, order_by: [] });
  }

  async deleteExperiment(req: { experiment_id: string }) {
    await this.store.deleteExperiment(req.experiment_id);
    return {};
  }

  async restoreExperiment(req: { experiment_id: string }) {
    await this.store.restoreExperiment(req.experiment_id);
    return {};
  }

  async updateExperiment(req: { experiment_id: string; new_name?: string }) {
    const newName = required(req.new_name, 'new_name');
    validateExperimentName(newName);
    await this.store.renameExperiment(req.experiment_id, newName);
    return {};
  }

  async setExperimentTag(req: { experiment_id: string; key: string; value?: string }) {
    const value = req.value ?? '';
    validateExperimentTag(req.key, value);
    await this.store.setExperimentTag(req.experiment_id, req.key, value);
    return {};
  }

  async deleteExperimentTag(req: { experiment_id: string; key: string }) {
    await this.store.deleteExperimentTag(req.experiment_id, req.key);
    return {};
  }

  async searchDatasets(req: { experiment_ids?: string[] }): Promise<SearchDatasetsResponse> {
    const ids = req.experiment_ids ?? [];
    if (ids.length === 0 || ids.length > LIMITS.searchDatasetsMaxExperiments) {
      throw MlflowError.invalidParameter(
        `SearchDatasets request must specify at least one experiment_id and at most ${LIMITS.searchDatasetsMaxExperiments} experiment_ids. Received ${ids.length} experiment_ids.`,
      );
    }
    const summaries = await this.store.searchDatasets(ids);
    return summaries.length > 0 ? { dataset_summaries: summaries } : {};
  }

  // ---------------------------------------------------------------- runs
  async createRun(req: {
    experiment_id?: string;
    user_id?: string;
    run_name?: string;
    start_time?: number;
    tags?: { key?: string; value?: string }[];
  }): Promise<GetRunResponse> {
    const experimentId = required(req.experiment_id, 'experiment_id');
    const tags = tagsOf(req.tags);
    for (const t of tags) validateRunTag(t.key, t.value);
    if (req.run_name && req.run_name.length > LIMITS.runNameLength) {
      throw MlflowError.invalidParameter(
        `Run name '${req.run_name}' had length ${req.run_name.length}, which exceeded length limit of ${LIMITS.runNameLength}`,
      );
    }
    const run = await this.store.createRun({
      experimentId,
      userId: req.user_id ?? '',
      runName: req.run_name,
      startTime: req.start_time ?? this.now(),
      tags,
    });
    return { run };
  }

  async getRun(req: { run_id?: string; run_uuid?: string }): Promise<GetRunResponse> {
    return { run: await this.store.getRun(runIdOf(req)) };
  }

  async updateRun(req: {
    run_id?: string;
    run_uuid?: string;
    status?: RunStatus;
    end_time?: number;
    run_name?: string;
  }): Promise<UpdateRunResponse> {
    if (req.run_name && req.run_name.length > LIMITS.runNameLength) {
      throw MlflowError.invalidParameter(
        `Run name '${req.run_name}' had length ${req.run_name.length}, which exceeded length limit of ${LIMITS.runNameLength}`,
      );
    }
    const runInfo = await this.store.updateRun(runIdOf(req), {
      status: req.status,
      endTime: req.end_time,
      runName: req.run_name,
    });
    if (req.status === 'FINISHED' || req.status === 'FAILED') {
      this.events.emit(req.status === 'FINISHED' ? 'run.finished' : 'run.failed', {
        run_id: runInfo.run_id,
        experiment_id: runInfo.experiment_id,
        run_name: runInfo.run_name ?? null,
        status: runInfo.status,
        end_time: runInfo.end_time ?? null,
      });
    }
    return { run_info: runInfo };
  }

  async deleteRun(req: { run_id: string }) {
    await this.store.deleteRun(req.run_id);
    return {};
  }

  async restoreRun(req: { run_id: string }) {
    await this.store.restoreRun(req.run_id);
    return {};
  }

  async logMetric(req: {
    run_id?: string;
    run_uuid?: string;
    key: string;
    value: number;
    timestamp: number;
    step?: number;
  }) {
    const metric = { key: req.key, value: req.value, timestamp: req.timestamp, step: req.step ?? 0 };
    validateMetric(metric.key, metric.value, metric.timestamp, metric.step);
    await this.store.logBatch(runIdOf(req), { metrics: [metric], params: [], tags: [] });
    return {};
  }

  async logParam(req: { run_id?: string; run_uuid?: string; key: string; value?: string }) {
    const param = { key: req.key, value: req.value ?? '' };
    validateParam(param.key, param.value);
    try {
      await this.store.logBatch(runIdOf(req), { metrics: [], params: [param], tags: [] });
    } catch (err) {
      throw err instanceof ParamConflictError ? err.singleParamError() : err;
    }
    return {};
  }

  async setTag(req: { run_id?: string; run_uuid?: string; key: string; value?: string }) {
    const tag = { key: req.key, value: req.value ?? '' };
    validateRunTag(tag.key, tag.value);
    await this.store.logBatch(runIdOf(req), { metrics: [], params: [], tags: [tag] });
    return {};
  }

  async deleteTag(req: { run_id: string; key: string }) {
    await this.store.deleteTag(req.run_id, req.key);
    return {};
  }

  async logBatch(req: {
    run_id: string;
    metrics?: { key: string; value: number; timestamp: number; step?: number }[];
    params?: { key: string; value?: string }[];
    tags?: { key: string; value?: string }[];
  }) {
    validateRunId(req.run_id);
    const input = req.metrics ?? [];
    const params = (req.params ?? []).map((p) => ({ key: p.key, value: p.value ?? '' }));
    const tags = (req.tags ?? []).map((t) => ({ key: t.key, value: t.value ?? '' }));
    validateBatchLimits(input.length, params.length, tags.length);
    validateNoDuplicateParamKeys(params.map((p) => p.key));
    // The hot path of log-batch (1,000 points per request): one pass that checks and copies each point.
    // A batch repeats a few keys many times (1000 points of 10 curves): check each key once; consecutive
    // points mostly share their key, so that is compared before the set is asked.
    const metrics = new Array<MetricInput>(input.length);
    const keys = new Set<string>();
    let lastKey: string | undefined;
    for (let i = 0; i < input.length; i++) {
      const m = input[i]!;
      const step = m.step ?? 0;
      if (m.key !== lastKey) {
        if (!keys.has(m.key)) {
          validateMetricKey(m.key);
          keys.add(m.key);
        }
        lastKey = m.key;
      }
      validateMetricPoint(m.key, m.value, m.timestamp, step);
      metrics[i] = { key: m.key, value: m.value, timestamp: m.timestamp, step };
    }
    for (const p of params) validateParam(p.key, p.value);
    for (const t of tags) validateRunTag(t.key, t.value);
    if (metrics.length + params.length + tags.length === 0) return {};
    await this.store.logBatch(req.run_id, { metrics, params, tags });
    return {};
  }

  async logModel(req: { run_id: string; model_json: string }) {
    let model: unknown;
    try {
      model = JSON.parse(req.model_json);
    } catch {
      throw MlflowError.invalidParameter(
        `Malformed model info. \n ${req.model_json} \n is not a valid JSON.`,
      );
    }
    const missingKeys = ['artifact_path', 'flavors', 'utc_time_created', 'run_id'].filter(
      (k) => typeof model !== 'object' || model === null || !(k in model),
    );
    if (missingKeys.length > 0) {
      throw MlflowError.invalidParameter(`Model json is missing mandatory fields: ${missingKeys.join(', ')}`);
    }
    // As MLflow records it: the model's metadata without each flavor's bulky `config` block.
    const { flavors, ...rest } = model as { flavors: Record<string, Record<string, unknown>> } & Record<
      string,
      unknown
    >;
    const slimFlavors = Object.fromEntries(
      Object.entries(flavors ?? {}).map(([name, conf]) => {
        const { config: _config, ...keep } = conf ?? {};
        return [name, keep];
      }),
    );
    const entry: Record<string, unknown> = {
      run_id: rest.run_id,
      artifact_path: rest.artifact_path,
      utc_time_created: rest.utc_time_created,
      flavors: slimFlavors,
    };
    if ('model_uuid' in rest) entry.model_uuid = rest.model_uuid;
    if ('signature' in rest) entry.signature = rest.signature;
    await this.store.appendLoggedModel(req.run_id, entry);
    return {};
  }

  async logInputs(req: {
    run_id: string;
    datasets: {
      tags?: { key: string; value?: string }[];
      dataset: Dataset;
    }[];
  }) {
    validateRunId(req.run_id);
    const datasets = req.datasets.map((d) => ({
      dataset: d.dataset,
      tags: (d.tags ?? []).map((t) => ({ key: t.key, value: t.value ?? '' })),
    }));
    for (const { dataset, tags } of datasets) validateDataset(dataset, tags);
    await this.store.logInputs(req.run_id, datasets);
    return {};
  }

  async searchRuns(req: {
    experiment_ids?: string[];
    filter?: string;
    run_view_type?: ViewType;
    max_results?: number;
    order_by?: string[];
    page_token?: string;
  }): Promise<JsonText> {
    const maxResults = req.max_results ?? LIMITS.searchRunsDefault;
    if (maxResults > LIMITS.searchRunsMaxResults || maxResults < 0) {
      throw MlflowError.invalidParameter(
        `Invalid value ${maxResults} for parameter 'max_results' supplied. Hint: Value was of type 'int'. See the API docs for more information about request parameters.`,
      );
    }
    const offset = decodePageToken(req.page_token);
    // The runs arrive as JSON text with the database's JSON of their children spliced in: parsing that and
    // stringifying it again cost as much as the query (runs/search of 100 runs: ~1.3 ms of ~6 ms).
    const page = await this.store.searchRunsJson({
      experimentIds: req.experiment_ids ?? [],
      filter: parseRunFilter(req.filter),
      orderBy: parseRunOrderBy(req.order_by),
      viewType: req.run_view_type ?? 'ACTIVE_ONLY',
      maxResults,
      offset,
    });
    const members: string[] = [];
    if (page.items.length > 0) members.push(`"runs":[${page.items.join(',')}]`);
    // Runs emit a token whenever the page is full, as MLflow does (spec §3.2).
    if (maxResults > 0 && page.items.length === maxResults) {
      members.push(`"next_page_token":${JSON.stringify(encodePageToken(offset + maxResults))}`);
    }
    return new JsonText(`{${members.join(',')}}`);
  }

  // ---------------------------------------------------------------- metric history
  async getMetricHistory(req: {
    run_id?: string;
    run_uuid?: string;
    metric_key: string;
    page_token?: string;
    max_results?: number;
  }): Promise<StreamedJson> {
    const runId = runIdOf(req);
    if (req.max_results === undefined && !req.page_token) {
      // Clients that do not page get the whole history, as MLflow gives it — streamed, never buffered.
      return { stream: metricsResponse(this.store.streamMetricHistoryJson(runId, req.metric_key)) };
    }
    const limit = req.max_results ?? LIMITS.metricHistoryPageDefault;
    if (limit <= 0) throw MlflowError.invalidParameter(`Invalid value for max_results: ${limit}`);
    const offset = decodePageToken(req.page_token);
    const page = await this.store.getMetricHistoryPageJson(runId, req.metric_key, offset, limit);
    const token = page.nextOffset !== undefined ? encodePageToken(page.nextOffset) : undefined;
    return { stream: metricsResponse(page.json === null ? [] : [page.json], token) };
  }

  async getMetricHistoryBulkInterval(req: {
    run_ids: string[];
    metric_key: string;
    start_step?: number;
    end_step?: number;
    max_results?: number;
  }): Promise<GetMetricHistoryBulkIntervalResponse> {
    if (req.run_ids.length > LIMITS.bulkMaxRunIds) {
      throw MlflowError.invalidParameter(
        `GetMetricHistoryBulkInterval request must specify at most ${LIMITS.bulkMaxRunIds} run_ids. Received ${req.run_ids.length} run_ids.`,
      );
    }
    const maxResults = req.max_results ?? LIMITS.bulkIntervalMaxResults;
    if (maxResults < 1 || maxResults > LIMITS.bulkIntervalMaxResults) {
      throw MlflowError.invalidParameter(
        `max_results must be between 1 and ${LIMITS.bulkIntervalMaxResults}, got ${maxResults}.`,
      );
    }
    if ((req.start_step === undefined) !== (req.end_step === undefined)) {
      throw MlflowError.invalidParameter(
        'If either start step or end step are specified, both must be specified.',
      );
    }
    if (req.start_step !== undefined && req.end_step !== undefined && req.start_step > req.end_step) {
      throw MlflowError.invalidParameter('end_step must be greater than start_step. ');
    }
    const metrics = await this.store.getMetricHistoryBulkInterval({
      runIds: [...new Set(req.run_ids)],
      key: req.metric_key,
      startStep: req.start_step,
      endStep: req.end_step,
      maxResults,
    });
    return metrics.length > 0 ? { metrics } : {};
  }

  async getMetricHistoryBulk(req: { run_id?: string[]; metric_key?: string; max_results?: number }) {
    if (!req.run_id?.length) {
      throw MlflowError.invalidParameter('GetMetricHistoryBulk request must specify at least one run_id.');
    }
    if (!req.metric_key)
      throw MlflowError.invalidParameter('GetMetricHistoryBulk request must specify a metric_key.');
    if (req.run_id.length > LIMITS.bulkMaxRunIds) {
      throw MlflowError.invalidParameter(
        `GetMetricHistoryBulk request cannot specify more than ${LIMITS.bulkMaxRunIds} run_ids. Received ${req.run_id.length} run_ids.`,
      );
    }
    const maxResults = Math.min(
      req.max_results ?? LIMITS.metricHistoryPageDefault,
      LIMITS.metricHistoryPageDefault,
    );
    const metrics = await this.store.getMetricHistoryBulk(req.run_id, req.metric_key, maxResults);
    return { metrics };
  }
}

/**
 * `{"metrics": [...], "next_page_token": ...}` from JSON array texts made by the store, joined without
 * parsing them; `{}` when there are none (MLflow omits empty lists).
 */
async function* metricsResponse(
  chunks: AsyncIterable<string | Uint8Array> | Iterable<string>,
  token?: string,
): AsyncIterable<string | Uint8Array> {
  let first = true;
  for await (const chunk of chunks) {
    if (chunk.length <= 2) continue;
    if (typeof chunk === 'string') yield (first ? '{"metrics": [' : ',') + chunk.slice(1, -1);
    else {
      // Bytes (from the history cache) are sent as they are, without the brackets: no copy.
      yield first ? '{"metrics": [' : ',';
      yield chunk.subarray(1, chunk.length - 1);
    }
    first = false;
  }
  const tail = token === undefined ? '' : `"next_page_token": ${JSON.stringify(token)}`;
  if (first) yield tail ? `{${tail}}` : '{}';
  else yield tail ? `], ${tail}}` : ']}';
}

function validateArtifactLocation(location: string): void {
  let decoded = location;
  for (let i = 0; i < 10; i++) {
    const next = safeDecode(decoded);
    if (next === decoded) break;
    decoded = next;
  }
  const query = decoded.includes('?') ? decoded.slice(decoded.indexOf('?')) : '';
  if (decoded.includes('#') || /;[^/]*$/.test(decoded.split('?')[0]!) || query.includes('..')) {
    throw MlflowError.invalidParameter(
      `Invalid artifact location '${location}': fragments, parameters and '..' in the query are not allowed.`,
    );
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function validateDataset(dataset: Dataset, tags: KeyValue[]): void {
  const check = (label: string, value: string | undefined, limit: number) => {
    if (value !== undefined && value.length > limit) {
      throw MlflowError.invalidParameter(
        `Dataset ${label} exceeds the maximum length of ${limit} characters (got ${value.length}).`,
      );
    }
  };
  check('name', dataset.name, LIMITS.datasetName);
  check('digest', dataset.digest, LIMITS.datasetDigest);
  check('source_type', dataset.source_type, LIMITS.datasetSourceType);
  check('source', dataset.source, LIMITS.datasetSource);
  check('schema', dataset.schema, LIMITS.datasetSchema);
  check('profile', dataset.profile, LIMITS.datasetProfile);
  for (const t of tags) {
    if (!t.key) throw missing('key');
    check('input tag key', t.key, LIMITS.inputTagKey);
    check('input tag value', t.value, LIMITS.inputTagValue);
  }
}
