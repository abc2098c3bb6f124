/**
 * Drift events POSTed to `--drift-webhook URL`, in the tracking server's webhook delivery format
 * (docs/registry.md): body `{"entity", "action", "timestamp", "data"}`, headers X-MLflow-Delivery-Id,
 * X-MLflow-Timestamp and, with a secret, X-MLflow-Signature `v1,<base64 HMAC-SHA256(secret,
 * "<delivery id>.<timestamp>.<body>")>` — so one receiver checks both. The signing is written again
 * here because models does not depend on the server package. The URL comes from the operator's
 * command line, so unlike registry webhooks it may be a private address.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { DriftEvent } from './monitor.ts';

export function signPayload(secret: string, deliveryId: string, timestamp: number, body: string): string {
  return `v1,${createHmac('sha256', secret).update(`${deliveryId}.${timestamp}.${body}`).digest('base64')}`;
}

export interface DriftWebhookOptions {
  url: string;
  secret: string | null;
  /** Attempts per event (network errors, 429 and 5xx are retried after 1 s, 2 s, ...). */
  attempts?: number;
  timeoutMs?: number;
  log?: (message: string) => void;
}

export function driftEventBody(event: DriftEvent, now = new Date()): string {
  return JSON.stringify({
    entity: 'model_drift',
    action: 'detected',
    timestamp: now.toISOString(),
    data: event,
  });
}

/** Sends one event; resolves with the final HTTP status (or null when none came). Never throws. */
export async function sendDriftEvent(
  options: DriftWebhookOptions,
  event: DriftEvent,
): Promise<number | null> {
  const deliveryId = randomUUID();
  const body = driftEventBody(event);
  const attempts = options.attempts ?? 3;
  let last: number | null = null;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    // Each attempt carries its own timestamp (and signature), as the server's deliveries do.
    const timestamp = Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-mlflow-delivery-id': deliveryId,
      'x-mlflow-timestamp': String(timestamp),
    };
    if (options.secret)
      headers['x-mlflow-signature'] = signPayload(options.secret, deliveryId, timestamp, body);
    try {
      const res = await fetch(options.url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      await res.arrayBuffer();
      last = res.status;
      if (res.status < 300 && res.status >= 200) return last;
      if (res.status !== 429 && res.status < 500) break;
    } catch (err) {
      options.log?.(`drift webhook ${options.url}: ${(err as Error).message}`);
    }
    if (attempt < attempts) await new Promise((r) => setTimeout(r, 1000 * 2 ** (attempt - 1)));
  }
  options.log?.(`drift webhook ${options.url} gave up on ${event.feature} (last status ${last ?? 'none'})`);
  return last;
}
