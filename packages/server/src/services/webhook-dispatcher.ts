/**
 * Turns announced events into webhook deliveries and sends them. Each delivery is first stored (so it
 * survives a restart), then claimed, signed and POSTed; 429, 5xx and network failures are retried with
 * exponential backoff, anything else ends it. Every attempt's outcome is recorded for the delivery log.
 */
import { randomUUID } from 'node:crypto';
import { signDelivery } from '../core/webhook-signature.ts';
import type { DeliveryOutcome, DueDelivery, WebhookStore } from '../store/webhook-store.ts';
import type { EventName, ServerEvents } from './events.ts';
import { assertPublicTarget } from './webhook-url-guard.ts';

export interface DispatcherOptions {
  /** Attempts before a delivery is given up (first send included). */
  maxAttempts?: number;
  /** Backoff after the first failure; doubled each time, capped at `maxBackoffMs` (spec: ≤ 60 s). */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** Per attempt: connect, send and response. */
  timeoutMs?: number;
  /** Loopback and private networks as targets (off by default: SSRF). */
  allowPrivateTargets?: boolean;
  /** How often to look for work queued by other processes. */
  pollIntervalMs?: number;
  now?: () => number;
  log?: (message: string, err?: unknown) => void;
}

export interface SendResult {
  ok: boolean;
  retryable: boolean;
  status?: number;
  body?: string;
  error?: string;
}

const BATCH = 16;
const LEASE_MS = 60_000;
const RESPONSE_KEEP = 1000;

/** POSTs one signed payload; never throws. */
export async function sendSigned(
  target: { url: string; secret: string },
  deliveryId: string,
  body: string,
  options: { timeoutMs: number; allowPrivateTargets: boolean; now: () => number },
): Promise<SendResult> {
  try {
    if (!options.allowPrivateTargets) await assertPublicTarget(target.url);
  } catch (err) {
    return { ok: false, retryable: false, error: (err as Error).message };
  }
  const timestamp = Math.floor(options.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-mlflow-delivery-id': deliveryId,
    'x-mlflow-timestamp': String(timestamp),
  };
  if (target.secret) headers['x-mlflow-signature'] = signDelivery(target.secret, deliveryId, timestamp, body);
  try {
    const res = await fetch(target.url, {
      method: 'POST',
      headers,
      body,
      // A redirect could lead anywhere, past the address check: not followed.
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const text = (await res.text()).slice(0, RESPONSE_KEEP);
    const ok = res.status >= 200 && res.status < 300;
    return { ok, retryable: res.status === 429 || res.status >= 500, status: res.status, body: text };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return {
      ok: false,
      retryable: true,
      error: e.cause?.code ? `${e.message} (${e.cause.code})` : e.message,
    };
  }
}

export class WebhookDispatcher implements ServerEvents {
  private readonly opts: Required<Omit<DispatcherOptions, 'log'>> & Pick<DispatcherOptions, 'log'>;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private pending = new Set<Promise<unknown>>();

  constructor(
    private readonly store: WebhookStore,
    options: DispatcherOptions = {},
  ) {
    this.opts = {
      maxAttempts: options.maxAttempts ?? 6,
      baseBackoffMs: options.baseBackoffMs ?? 1000,
      maxBackoffMs: options.maxBackoffMs ?? 60_000,
      timeoutMs: options.timeoutMs ?? 10_000,
      allowPrivateTargets: options.allowPrivateTargets ?? false,
      pollIntervalMs: options.pollIntervalMs ?? 5000,
      now: options.now ?? Date.now,
      log: options.log,
    };
  }

  /** Starts sending, including what an earlier process left pending. */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.pending, this.running]);
  }

  emit(event: EventName, data: Record<string, unknown>): void {
    const work = this.enqueue(event, data).catch((err) =>
      this.opts.log?.(`webhook event ${event} not queued`, err),
    );
    this.track(work);
  }

  /** Resolves when everything queued so far has been stored (tests and shutdown use it). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private track(p: Promise<unknown>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private async enqueue(event: EventName, data: Record<string, unknown>): Promise<void> {
    const hooks = await this.store.subscribersOf(event);
    if (hooks.length === 0) return;
    const now = this.opts.now();
    const [entity, action] = event.split('.');
    const payload = JSON.stringify({ entity, action, timestamp: new Date(now).toISOString(), data });
    await this.store.enqueueDeliveries(
      hooks.map((h) => ({
        deliveryId: randomUUID(),
        webhookId: h.webhookId,
        event,
        payload,
        status: 'PENDING',
        attempts: 0,
        nextAttemptTime: now,
        creationTime: now,
        lastUpdatedTime: now,
      })),
    );
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.running) return void this.running.then(() => this.schedule(0));
      this.running = this.runOnce().finally(() => {
        this.running = undefined;
      });
    }, delayMs);
    this.timer.unref();
  }

  private async runOnce(): Promise<void> {
    try {
      for (;;) {
        const due = await this.store.claimDueDeliveries(this.opts.now(), BATCH, LEASE_MS);
        if (due.length === 0) break;
        await Promise.all(due.map((d) => this.attempt(d)));
        if (this.stopped) return;
      }
      const next = await this.store.nextDueTime();
      const wait = next === undefined ? this.opts.pollIntervalMs : Math.max(0, next - this.opts.now());
      this.schedule(Math.min(wait, this.opts.pollIntervalMs));
    } catch (err) {
      this.opts.log?.('webhook delivery loop failed; retrying', err);
      this.schedule(this.opts.pollIntervalMs);
    }
  }

  private async attempt(d: DueDelivery): Promise<void> {
    const result = await sendSigned(d, d.deliveryId, d.payload, this.opts);
    const attempts = d.attempts + 1;
    const outcome: DeliveryOutcome = { status: 'SUCCEEDED', attempts };
    if (result.status !== undefined) outcome.lastStatusCode = result.status;
    if (!result.ok) {
      outcome.lastError = result.error ?? `HTTP ${result.status}: ${result.body ?? ''}`;
      if (result.retryable && attempts < this.opts.maxAttempts) {
        outcome.status = 'PENDING';
        const backoff = Math.min(this.opts.maxBackoffMs, this.opts.baseBackoffMs * 2 ** (attempts - 1));
        outcome.nextAttemptTime = this.opts.now() + backoff;
      } else {
        outcome.status = 'FAILED';
      }
    }
    await this.store.finishAttempt(d.deliveryId, outcome, this.opts.now());
  }
}
