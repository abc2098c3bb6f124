/** Webhook input rules (spec §1.9): event pairs, URL, status. */
import type { WebhookEvent, WebhookStatus } from '@mlflow-ts/protocol';
import { EVENT_NAMES } from './event-names.ts';
import { MlflowError } from './mlflow-error.ts';

const invalid = MlflowError.invalidParameter;

/** `entity.action` in lower case, as delivery payloads name them: every event the server announces. */
export const WEBHOOK_EVENT_PAIRS: readonly string[] = EVENT_NAMES;

/** `{entity: "MODEL_VERSION", action: "CREATED"}` (either case) → `model_version.created`. */
export function eventKey(event: { entity?: string; action?: string }): string {
  const entity = (event.entity ?? '').toLowerCase();
  const action = (event.action ?? '').toLowerCase();
  const key = `${entity}.${action}`;
  if (!WEBHOOK_EVENT_PAIRS.includes(key)) {
    throw invalid(
      `Invalid webhook event: entity '${event.entity ?? ''}' with action '${event.action ?? ''}'. Valid events are: ${WEBHOOK_EVENT_PAIRS.join(', ')}`,
    );
  }
  return key;
}

export function toWireEvent(key: string): WebhookEvent {
  const [entity = '', action = ''] = key.split('.');
  return { entity: entity.toUpperCase(), action: action.toUpperCase() };
}

export function parseEvents(events: { entity?: string; action?: string }[] | undefined): string[] {
  if (!events || events.length === 0) throw invalid('Webhook events must not be empty.');
  return [...new Set(events.map(eventKey))];
}

export function validateWebhookUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(`Invalid webhook URL: '${url}'.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw invalid(`Invalid webhook URL scheme: '${parsed.protocol.replace(':', '')}'. Use http or https.`);
  }
  if (parsed.username || parsed.password) throw invalid('Webhook URLs must not carry credentials.');
  if (url.length > 2048) throw invalid('Webhook URL exceeds 2048 characters.');
  return url;
}

export function parseWebhookStatus(status: string | undefined): WebhookStatus {
  const s = (status ?? 'ACTIVE').toUpperCase();
  if (s !== 'ACTIVE' && s !== 'DISABLED') {
    throw invalid(`Invalid webhook status: '${status}'. Value must be one of ACTIVE, DISABLED.`);
  }
  return s;
}
