/**
 * The fluent API (`mlflow.set_experiment`, `mlflow.start_run`, `mlflow.log_metric`, ... in camelCase):
 * process-wide state — active experiment, a stack of active runs for nesting — over one MlflowClient and
 * one background metric queue per tracking URI.
 */
import { BatchingLogger, type BatchingLoggerOptions } from './batching-logger.ts';
import { getTrackingUri } from './config.ts';
import { getContextProvider } from './context.ts';
import type { Experiment, Run, RunStatus, ViewType } from './entities.ts';
import { isApiError } from './errors.ts';
import { MlflowClient, type MlflowClientOptions } from './mlflow-client.ts';
import { ActiveRun, type MetricOptions } from './run-handle.ts';

export { getTrackingUri, setTrackingUri } from './config.ts';

export interface FluentOptions {
  /** Options for the clients the fluent API creates (tracking URI excluded: see setTrackingUri). */
  client?: Omit<MlflowClientOptions, 'trackingUri'>;
  /** Tuning and error reporting of the background metric queue. */
  batching?: Omit<BatchingLoggerOptions, 'send'>;
}

export interface StartRunOptions {
  /** Resume this existing run instead of creating one. */
  runId?: string;
  experimentId?: string;
  runName?: string;
  /** Allow starting while another run is active; the new run gets `mlflow.parentRunId` = that run. */
  nested?: boolean;
  /** Explicit parent (tag `mlflow.parentRunId`), e.g. a run started by another process. */
  parentRunId?: string;
  tags?: Record<string, string>;
  /** Stored as the `mlflow.note.content` tag, which the UI shows as the description. */
  description?: string;
}

interface Session {
  uri: string;
  client: MlflowClient;
  logger: BatchingLogger;
}

const state = {
  options: {} as FluentOptions,
  session: undefined as Session | undefined,
  /** Every queue ever created, so exit hooks can flush runs started before a setTrackingUri. */
  loggers: new Set<BatchingLogger>(),
  activeExperimentId: undefined as string | undefined,
  runs: [] as ActiveRun[],
  lastActiveRunId: undefined as string | undefined,
  /** startRun() calls awaiting the server. */
  starting: 0,
};

/** Sets client and queue options for runs started from now on. */
export function configure(options: FluentOptions): void {
  state.options = options;
  state.session = undefined;
}

function session(): Session {
  const uri = getTrackingUri();
  if (state.session?.uri !== uri) {
    const client = new MlflowClient({ ...state.options.client, trackingUri: uri });
    const logger = new BatchingLogger({
      ...state.options.batching,
      send: (runId, points) => client.logBatch(runId, { metrics: points }),
    });
    state.loggers.add(logger);
    state.session = { uri, client, logger };
  }
  return state.session;
}

/** The client the fluent API uses for the current tracking URI. */
export function getClient(): MlflowClient {
  return session().client;
}

/**
 * Makes an experiment active for later startRun calls. By name it is created when missing (the server's
 * RESOURCE_DOES_NOT_EXIST is the signal, spec §0.4); a deleted experiment is refused, as in Python.
 */
export async function setExperiment(
  nameOrOptions: string | { experimentName?: string; experimentId?: string },
): Promise<Experiment> {
  const opts = typeof nameOrOptions === 'string' ? { experimentName: nameOrOptions } : nameOrOptions;
  const client = getClient();
  let experiment: Experiment;
  if (opts.experimentId !== undefined) {
    experiment = await client.getExperiment(opts.experimentId);
  } else if (opts.experimentName) {
    experiment = await getOrCreateExperiment(client, opts.experimentName);
  } else {
    throw new TypeError('setExperiment needs an experiment name or id');
  }
  if (experiment.lifecycle_stage === 'deleted') {
    throw new Error(
      `Cannot set a deleted experiment '${experiment.name}' as the active experiment. ` +
        'You can restore the experiment, or permanently delete the experiment to create a new one.',
    );
  }
  state.activeExperimentId = experiment.experiment_id;
  return experiment;
}

async function getOrCreateExperiment(client: MlflowClient, name: string): Promise<Experiment> {
  const existing = await client.getExperimentByName(name);
  if (existing) return existing;
  try {
    return await client.getExperiment(await client.createExperiment(name));
  } catch (err) {
    // Another process created it between our lookup and create: use theirs.
    if (!isApiError(err, 'RESOURCE_ALREADY_EXISTS')) throw err;
    const raced = await client.getExperimentByName(name);
    if (!raced) throw err;
    return raced;
  }
}

/** Active experiment, else MLFLOW_EXPERIMENT_NAME (created if missing), else MLFLOW_EXPERIMENT_ID, else "0". */
async function resolveExperimentId(client: MlflowClient): Promise<string> {
  if (state.activeExperimentId !== undefined) return state.activeExperimentId;
  const env = getContextProvider().env;
  const name = env('MLFLOW_EXPERIMENT_NAME');
  if (name) return (await getOrCreateExperiment(client, name)).experiment_id;
  return env('MLFLOW_EXPERIMENT_ID') || '0';
}

/**
 * Starts (or resumes, with runId) a run and pushes it on the active-run stack. Like Python, starting a
 * non-nested run while one is active throws. System tags from the context provider (mlflow.user,
 * mlflow.source.*, git commit) are added; caller tags win over them.
 */
export async function startRun(opts: StartRunOptions = {}): Promise<ActiveRun> {
  const top = state.runs.at(-1);
  if (top && !opts.nested) {
    throw new Error(
      `Run with UUID ${top.runId} is already active. To start a new run, first end the current run with ` +
        'endRun(). To start a nested run, call startRun with nested: true',
    );
  }
  // Python's start_run is synchronous; here two un-awaited startRun() calls could both pass the check.
  if (state.starting > 0 && !opts.nested)
    throw new Error('Another startRun() is still in progress; await it');
  const { client, logger } = session();
  state.starting++;
  let run: Run;
  try {
    run = opts.runId ? await resumeRun(client, opts.runId, opts.tags) : await createRun(client, opts, top);
  } finally {
    state.starting--;
  }
  const handle = new ActiveRun(run, {
    client,
    logger,
    onEnded: (ended) => {
      state.runs = state.runs.filter((r) => r !== ended);
      state.lastActiveRunId = ended.runId;
    },
  });
  state.runs.push(handle);
  return handle;
}

async function createRun(
  client: MlflowClient,
  opts: StartRunOptions,
  top: ActiveRun | undefined,
): Promise<Run> {
  const userTags: Record<string, string> = { ...opts.tags };
  const parent = opts.parentRunId ?? (opts.nested ? top?.runId : undefined);
  if (parent) userTags['mlflow.parentRunId'] = parent;
  if (opts.description !== undefined) userTags['mlflow.note.content'] = opts.description;
  if (opts.runName) userTags['mlflow.runName'] = opts.runName;
  const context = getContextProvider();
  context.runStarting?.();
  const tags = { ...(await context.runTags()), ...userTags };
  const experimentId = opts.experimentId ?? (await resolveExperimentId(client));
  return client.createRun(experimentId, { tags, runName: opts.runName });
}

async function resumeRun(client: MlflowClient, runId: string, tags?: Record<string, string>): Promise<Run> {
  const existing = await client.getRun(runId);
  if (existing.info.lifecycle_stage === 'deleted') {
    throw new Error(`Cannot start run with ID ${runId} because it is in the deleted state.`);
  }
  await client.updateRun(runId, { status: 'RUNNING' });
  if (tags && Object.keys(tags).length > 0) {
    await client.logBatch(runId, { tags: Object.entries(tags).map(([key, value]) => ({ key, value })) });
  }
  return client.getRun(runId);
}

/**
 * Runs `fn` inside a new run: ends it FINISHED when `fn` resolves, FAILED when it throws (the error is
 * rethrown; a failure to end the run is reported, not allowed to mask it).
 */
export async function withRun<T>(opts: StartRunOptions, fn: (run: ActiveRun) => Promise<T> | T): Promise<T> {
  const run = await startRun(opts);
  let result: T;
  try {
    result = await fn(run);
  } catch (err) {
    await run.end('FAILED').catch((endErr: unknown) => {
      console.error(`[mlflow-ts] could not mark run ${run.runId} FAILED:`, endErr);
    });
    throw err;
  }
  await run.end('FINISHED');
  return result;
}

/** Ends the innermost active run (no-op when none), after flushing its queued metrics. */
export async function endRun(status: RunStatus = 'FINISHED'): Promise<void> {
  await state.runs.at(-1)?.end(status);
}

/**
 * Ends every active run, innermost first (used by the Node exit hooks). Keeps going when one fails and
 * then throws the first error, so one unreachable run does not leave the others RUNNING.
 */
export async function endAllRuns(status: RunStatus = 'FINISHED'): Promise<void> {
  const errors: unknown[] = [];
  for (const run of [...state.runs].reverse())
    await run.end(status).catch((err: unknown) => errors.push(err));
  if (errors.length > 0) throw errors[0];
}

export function activeRun(): ActiveRun | null {
  return state.runs.at(-1) ?? null;
}

/** The active run, else the most recently ended one, fetched fresh from the server; null if none. */
export async function lastActiveRun(): Promise<Run | null> {
  const id = state.runs.at(-1)?.runId ?? state.lastActiveRunId;
  return id === undefined ? null : getClient().getRun(id);
}

/** Python starts a run implicitly on the first logging call; so do the awaited calls here. */
async function getOrStartRun(): Promise<ActiveRun> {
  return state.runs.at(-1) ?? (await startRun());
}

function requireRun(): ActiveRun {
  const run = state.runs.at(-1);
  if (!run) {
    // logMetric must return synchronously, so it cannot create a run on the fly like the awaited calls.
    throw new Error(
      'No active run: call `await startRun()` (or an awaited logParam/setTag) before logMetric',
    );
  }
  return run;
}

/** Queues a metric point for the active run; returns at once (see BatchingLogger). */
export function logMetric(key: string, value: number, opts: MetricOptions = {}): void {
  requireRun().logMetric(key, value, opts);
}

export function logMetrics(metrics: Record<string, number>, opts: MetricOptions = {}): void {
  requireRun().logMetrics(metrics, opts);
}

export async function logParam(key: string, value: unknown): Promise<string> {
  return (await getOrStartRun()).logParam(key, value);
}

export async function logParams(params: Record<string, unknown>): Promise<void> {
  await (await getOrStartRun()).logParams(params);
}

export async function setTag(key: string, value: unknown): Promise<void> {
  await (await getOrStartRun()).setTag(key, value);
}

export async function setTags(tags: Record<string, unknown>): Promise<void> {
  await (await getOrStartRun()).setTags(tags);
}

/** Waits for every queued metric point of every run; rejects with MetricDeliveryError if some were lost. */
export async function flushAsyncLogging(): Promise<void> {
  const results = await Promise.allSettled([...state.loggers].map((l) => l.flush()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** True while any metric point is queued or being sent (the Node exit hooks use it). */
export function hasPendingMetrics(): boolean {
  return [...state.loggers].some((l) => l.busy);
}

export interface FluentSearchRunsOptions {
  /** Default: the active experiment. */
  experimentIds?: string[];
  experimentNames?: string[];
  filterString?: string;
  runViewType?: ViewType;
  /** Total across pages; default 100 000 as Python's fluent search_runs. */
  maxResults?: number;
  orderBy?: string[];
}

/** All matching runs up to maxResults, following page tokens. */
export async function searchRuns(opts: FluentSearchRunsOptions = {}): Promise<Run[]> {
  const client = getClient();
  let ids = opts.experimentIds ?? [];
  for (const name of opts.experimentNames ?? []) {
    const exp = await client.getExperimentByName(name);
    if (exp) ids = [...ids, exp.experiment_id];
  }
  if (!opts.experimentIds && !opts.experimentNames) ids = [await resolveExperimentId(client)];
  const max = opts.maxResults ?? 100_000;
  const runs: Run[] = [];
  let pageToken: string | undefined;
  do {
    const page = await client.searchRuns(ids, {
      filterString: opts.filterString,
      runViewType: opts.runViewType,
      orderBy: opts.orderBy,
      maxResults: Math.min(max - runs.length, 10_000),
      pageToken,
    });
    runs.push(...page.items);
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken && runs.length < max);
  return runs;
}
