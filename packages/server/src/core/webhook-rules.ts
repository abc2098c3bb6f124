/**
 * Webhook input rules (spec §1.9): event pairs, URL, status. MLflow 3.x accepts the registry and prompt
 * pairs; we also accept the events our services announce beyond those (see services/events.ts).
 */
import type { WebhookEvent, WebhookStatus } from '@mlflow-ts/protocol';
import { MlflowError } from './mlflow-error.ts';

const invalid = MlflowError.invalidParameter;

/** `entity.action` in lower case, as delivery payloads name them. */
export const WEBHOOK_EVENT_PAIRS: readonly string[] = [
  // MLflow 3.x
  'registered_model.created',
  'model_version.created',
  'model_version_tag.set',
  'model_version_tag.deleted',
  'model_version_alias.created',
  'model_version_alias.deleted',
  'prompt.created',
  'prompt_version.created',
  'prompt_tag.set',
  'prompt_tag.deleted',
  'prompt_version_tag.set',
  'prompt_version_tag.deleted',
  'prompt_alias.created',
  'prompt_alias.deleted',
  // ours
  'registered_model.renamed',
  'registered_model.deleted',
  'registered_model_tag.set',
  'registered_model_tag.deleted',
  'model_version.transitioned',
  'model_version.deleted',
  'run.finished',
  'run.failed',
  'experiment.created',
];

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
