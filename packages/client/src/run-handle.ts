/**
 * ActiveRun: the handle startRun() returns, like Python's `ActiveRun`. It carries the run as created and
 * logs to that run through the client and metric queue it was started with (a later setTrackingUri does
 * not redirect it). `await using run = await startRun()` ends it when the scope exits; disposal cannot see
 * whether the scope threw, so it always ends FINISHED — use withRun() to get FAILED on errors.
 */
import './polyfills.ts';
import type { FileInfo } from '@mlflow-ts/protocol';
import type { BatchingLogger } from './batching-logger.ts';
import type { Run, RunData, RunInfo, RunStatus } from './entities.ts';
import type { MlflowClient } from './mlflow-client.ts';
import { stringify } from './mlflow-client.ts';
import { validateMetric } from './validation.ts';

export interface MetricOptions {
  step?: number;
  /** ms since epoch; default now. */
  timestamp?: number;
}

export interface RunHandleDeps {
  client: MlflowClient;
  logger: BatchingLogger;
  /** Called once the server has the run terminated, to take it off the active-run stack. */
  onEnded(run: ActiveRun): void;
}

const toKeyValues = (o: Record<string, unknown>) =>
  Object.entries(o).map(([key, value]) => ({ key, value: stringify(value) }));

export class ActiveRun implements AsyncDisposable {
  /** The run as the server returned it at start (Python's ActiveRun is that Run too). */
  readonly run: Run;
  private readonly deps: RunHandleDeps;
  private ending: Promise<void> | undefined;
  private endedFlag = false;

  constructor(run: Run, deps: RunHandleDeps) {
    this.run = run;
    this.deps = deps;
  }

  get info(): RunInfo {
    return this.run.info;
  }

  get data(): RunData {
    return this.run.data;
  }

  get runId(): string {
    return this.run.info.run_id;
  }

  get ended(): boolean {
    return this.endedFlag;
  }

  get client(): MlflowClient {
    return this.deps.client;
  }

  /** Queues a point and returns at once; network failures are reported by the queue, never thrown here. */
  logMetric(key: string, value: number, opts: MetricOptions = {}): void {
    this.assertOpen();
    const point = { key, value, timestamp: opts.timestamp ?? Date.now(), step: opts.step ?? 0 };
    validateMetric(point.key, point.value, point.timestamp, point.step);
    this.deps.logger.log(this.runId, point);
  }

  /** Queues several metrics sharing one step and timestamp. All are validated before any is queued. */
  logMetrics(metrics: Record<string, number>, opts: MetricOptions = {}): void {
    this.assertOpen();
    const timestamp = opts.timestamp ?? Date.now();
    const step = opts.step ?? 0;
    const points = Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp, step }));
    for (const p of points) validateMetric(p.key, p.value, p.timestamp, p.step);
    for (const p of points) this.deps.logger.log(this.runId, p);
  }

  /** Sent at once and awaited: a param that conflicts with an earlier value is a user error to surface. */
  logParam(key: string, value: unknown): Promise<string> {
    return this.deps.client.logParam(this.runId, key, value);
  }

  logParams(params: Record<string, unknown>): Promise<void> {
    return this.deps.client.logBatch(this.runId, { params: toKeyValues(params) });
  }

  setTag(key: string, value: unknown): Promise<void> {
    return this.deps.client.setTag(this.runId, key, value);
  }

  setTags(tags: Record<string, unknown>): Promise<void> {
    return this.deps.client.logBatch(this.runId, { tags: toKeyValues(tags) });
  }

  /** Python's `log_text`: `text` as the artifact file `artifactFile`. */
  logText(text: string, artifactFile: string): Promise<void> {
    return this.deps.client.logText(this.runId, text, artifactFile);
  }

  /** Python's `log_dict`: YAML for `.yaml`/`.yml`, JSON otherwise. */
  logDict(dict: unknown, artifactFile: string): Promise<void> {
    return this.deps.client.logDict(this.runId, dict, artifactFile);
  }

  listArtifacts(path?: string): Promise<FileInfo[]> {
    return this.deps.client.listArtifacts(this.runId, path);
  }

  /** Waits until this run's queued metrics are delivered; rejects if some were lost. */
  flush(): Promise<void> {
    return this.deps.logger.flush(this.runId);
  }

  /**
   * Flushes queued metrics, then marks the run terminated. If metrics were lost the run is still ended and
   * the MetricDeliveryError is thrown afterwards; if terminating fails the run stays active (retry end()).
   */
  end(status: RunStatus = 'FINISHED'): Promise<void> {
    if (this.endedFlag) return Promise.resolve();
    this.ending ??= this.finish(status).finally(() => {
      this.ending = undefined;
    });
    return this.ending;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.end('FINISHED');
  }

  private async finish(status: RunStatus): Promise<void> {
    let lost: unknown;
    try {
      await this.deps.logger.flush(this.runId);
    } catch (err) {
      lost = err;
    }
    await this.deps.client.setTerminated(this.runId, status);
    this.endedFlag = true;
    this.deps.onEnded(this);
    if (lost !== undefined) throw lost;
  }

  private assertOpen(): void {
    if (this.endedFlag) throw new Error(`run ${this.runId} has ended; start a new run to log more metrics`);
  }
}
