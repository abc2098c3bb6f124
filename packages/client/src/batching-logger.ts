/**
 * Background metric batching for the fluent API. `log()` only enqueues, so training loops never wait on
 * the network; points leave as log-batch requests when 1000 are queued (the server's per-request metric
 * limit, spec §3.1) or after a short interval. Delivery is sequential, which keeps the order of points
 * per key. Undeliverable points are never dropped silently: they are reported through `onError` (default
 * console.error) and make the next `flush()` reject.
 */
import { LIMITS } from '@mlflow-ts/protocol';
import { MetricDeliveryError, MlflowApiError } from './errors.ts';
import { backoffDelay, sleep } from './retry.ts';

export interface MetricPoint {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

export interface BatchingLoggerOptions {
  /** Sends one request's worth (≤ maxBatchSize points) for one run. */
  send(runId: string, points: MetricPoint[]): Promise<void>;
  /** Points per request and the queue length that triggers a flush. Default 1000. */
  maxBatchSize?: number;
  /** How long a point may wait for company before it is sent. Default 100 ms. */
  flushIntervalMs?: number;
  /** Retries of a failed request on top of the REST client's own. Default 3. */
  maxRetries?: number;
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Called once per batch that finally failed. Default: console.error. */
  onError?: (error: MetricDeliveryError) => void;
}

interface Failure {
  runId: string;
  points: number;
  cause: unknown;
}

/** A rejection for a bad request will not change on retry; 408/429 and 5xx/network errors may. */
function isTransient(err: unknown): boolean {
  if (!(err instanceof MlflowApiError)) return true;
  return err.httpStatus >= 500 || err.httpStatus === 408 || err.httpStatus === 429;
}

export class BatchingLogger {
  private readonly queues = new Map<string, MetricPoint[]>();
  private queued = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private draining: Promise<void> | null = null;
  private failures: Failure[] = [];
  private readonly opts: Required<Omit<BatchingLoggerOptions, 'send' | 'onError'>>;

  constructor(private readonly options: BatchingLoggerOptions) {
    this.opts = {
      maxBatchSize: options.maxBatchSize ?? LIMITS.batchMetrics,
      flushIntervalMs: options.flushIntervalMs ?? 100,
      maxRetries: options.maxRetries ?? 3,
      backoffMs: options.backoffMs ?? 200,
      maxBackoffMs: options.maxBackoffMs ?? 5000,
    };
  }

  /** Points waiting to be sent (not counting the request in flight). */
  get pending(): number {
    return this.queued;
  }

  /** True while points are queued or a request is in flight. */
  get busy(): boolean {
    return this.queued > 0 || this.draining !== null;
  }

  log(runId: string, point: MetricPoint): void {
    const queue = this.queues.get(runId);
    if (queue) queue.push(point);
    else this.queues.set(runId, [point]);
    this.queued++;
    if (this.queued >= this.opts.maxBatchSize) {
      void this.kick();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.kick();
      }, this.opts.flushIntervalMs);
      // A pending flush must not keep Node alive; the Node entry flushes on beforeExit instead.
      (this.timer as { unref?: () => void }).unref?.();
    }
  }

  /**
   * Sends everything queued so far. Rejects with MetricDeliveryError if points (of `runId`, or of any run
   * when omitted) were lost since the last flush — including losses already reported in the background.
   */
  async flush(runId?: string): Promise<void> {
    await this.kick();
    const mine = this.failures.filter((f) => runId === undefined || f.runId === runId);
    if (mine.length === 0) return;
    this.failures = this.failures.filter((f) => !mine.includes(f));
    const lost = mine.reduce((n, f) => n + f.points, 0);
    const runs = [...new Set(mine.map((f) => f.runId))];
    const cause = mine.length === 1 ? mine[0]?.cause : new AggregateError(mine.map((f) => f.cause));
    throw new MetricDeliveryError(lost, runs, cause);
  }

  private kick(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.draining ??= this.drain().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  /** One request at a time: sequential delivery is what keeps per-key order, even across retries. */
  private async drain(): Promise<void> {
    for (;;) {
      const next = this.queues.entries().next();
      if (next.done) return;
      const [runId, queue] = next.value;
      const batch = queue.splice(0, this.opts.maxBatchSize);
      this.queued -= batch.length;
      // Rotate runs so one busy run cannot starve the others.
      this.queues.delete(runId);
      if (queue.length > 0) this.queues.set(runId, queue);
      await this.sendWithRetry(runId, batch);
    }
  }

  private async sendWithRetry(runId: string, batch: MetricPoint[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.options.send(runId, batch);
        return;
      } catch (err) {
        if (attempt < this.opts.maxRetries && isTransient(err)) {
          await sleep(backoffDelay(attempt, this.opts));
          continue;
        }
        this.failures.push({ runId, points: batch.length, cause: err });
        this.report(new MetricDeliveryError(batch.length, [runId], err));
        return;
      }
    }
  }

  private report(error: MetricDeliveryError): void {
    try {
      if (this.options.onError) this.options.onError(error);
      else console.error(`[mlflow-ts] ${error.message}`);
    } catch {
      // A throwing error handler must not stop delivery of the remaining points.
    }
  }
}
