/**
 * Micro-batching: frame requests that arrive while inference is busy are coalesced into one call (the
 * rows of several requests in one tensor), up to `maxBatchRows`. A request waits at most `maxWaitMs`
 * for company when a slot is free (0: go at once — coalescing then happens only under load, which is
 * when it pays). Requests are grouped by columns and params, so only compatible ones share a call.
 * The executor answers with each request's response body (see render.ts), so the split of a merged
 * output happens where the call ran.
 */
import type { Frame, ModelInput, Params } from '../input/model-input.ts';
import { mergeFrames } from './merge-frames.ts';
import type { Part } from './render.ts';

/** Scores `input` and returns one body (or error) per part, in order. */
export type Executor = (
  input: ModelInput,
  params: Params | null,
  parts: Part[],
) => Promise<(Uint8Array | Error)[]>;

export interface BatcherOptions {
  /** Calls in flight at once (the number of inference threads). */
  concurrency: number;
  maxBatchRows: number;
  maxWaitMs: number;
  batchable: boolean;
  /** Called with the row count of every inference call (for the batch-size histogram). */
  onBatch?: (rows: number, requests: number) => void;
}

interface Pending {
  input: ModelInput;
  params: Params | null;
  unwrapped: boolean;
  key: string | null;
  resolve: (body: Uint8Array) => void;
  reject: (e: unknown) => void;
}

export class Batcher {
  private queue: Pending[] = [];
  private busy = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly execute: Executor,
    private readonly options: BatcherOptions,
  ) {}

  /** The response body of one request. */
  submit(input: ModelInput, params: Params | null, unwrapped = false): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      const key =
        this.options.batchable && input.kind === 'frame'
          ? `${input.columns.join('\u0000')}\u0001${params ? JSON.stringify(params) : ''}`
          : null;
      this.queue.push({ input, params, unwrapped, key, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.busy < this.options.concurrency && this.queue.length > 0) {
      const wait = this.options.maxWaitMs;
      if (wait > 0 && this.queuedRows() < this.options.maxBatchRows && this.busy === 0 && !this.timerFired) {
        this.timer ??= setTimeout(() => {
          this.timer = null;
          this.timerFired = true;
          this.pump();
          this.timerFired = false;
        }, wait);
        return;
      }
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = null;
      }
      this.dispatch(this.take());
    }
  }

  private timerFired = false;

  private queuedRows(): number {
    let n = 0;
    for (const p of this.queue) n += p.input.kind === 'frame' ? p.input.rows : 1;
    return n;
  }

  /** The head of the queue plus every later request with the same key, up to maxBatchRows. */
  private take(): Pending[] {
    const head = this.queue.shift()!;
    if (head.key === null) return [head];
    const group = [head];
    let rows = (head.input as Frame).rows;
    const rest: Pending[] = [];
    for (const p of this.queue) {
      const r = (p.input as Frame).rows;
      if (p.key === head.key && rows + r <= this.options.maxBatchRows) {
        group.push(p);
        rows += r;
      } else rest.push(p);
    }
    this.queue = rest;
    return group;
  }

  private dispatch(group: Pending[]): void {
    this.busy++;
    const input = group.length === 1 ? group[0]!.input : mergeFrames(group.map((p) => p.input as Frame));
    const rows = input.kind === 'frame' ? input.rows : 1;
    this.options.onBatch?.(rows, group.length);
    const parts = group.map((p) => ({
      rows: p.input.kind === 'frame' ? p.input.rows : 1,
      unwrapped: p.unwrapped,
    }));
    this.execute(input, group[0]!.params, parts).then(
      (bodies) => {
        group.forEach((p, i) => {
          const body = bodies[i];
          if (body instanceof Uint8Array) p.resolve(body);
          else p.reject(body ?? new Error('no response body for a request of a merged call'));
        });
        this.done();
      },
      (err) => {
        // One bad request must not fail the others it was merged with: score them one by one again.
        if (group.length > 1) this.queue.unshift(...group.map((p) => ({ ...p, key: null })));
        else group[0]!.reject(err);
        this.done();
      },
    );
  }

  private done(): void {
    this.busy--;
    this.pump();
  }
}
