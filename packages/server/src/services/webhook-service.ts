/** Webhook RPCs (spec §1.9): CRUD, a test delivery, and the delivery log. Secrets are write-only. */
import { randomUUID } from 'node:crypto';
import type {
  ListWebhookDeliveriesResponse,
  ListWebhooksResponse,
  TestWebhookResponse,
  Webhook,
  WebhookDelivery,
  WebhookResponse,
} from '@mlflow-ts/protocol';
import { MlflowError } from '../core/mlflow-error.ts';
import { decodePageToken, encodePageToken } from '../core/search/index.ts';
import { validateLength } from '../core/validation.ts';
import {
  eventKey,
  parseEvents,
  parseWebhookStatus,
  toWireEvent,
  validateWebhookUrl,
} from '../core/webhook-rules.ts';
import type { DeliveryRecord, WebhookRecord, WebhookStore } from '../store/webhook-store.ts';
import { sendSigned } from './webhook-dispatcher.ts';

type EventInput = { entity?: string; action?: string };

function toWebhook(r: WebhookRecord): Webhook {
  const w: Webhook = {
    webhook_id: r.webhookId,
    name: r.name,
    url: r.url,
    events: r.events.map(toWireEvent),
    status: r.status,
    creation_timestamp: r.creationTime,
    last_updated_timestamp: r.lastUpdatedTime,
  };
  if (r.description) w.description = r.description;
  return w;
}

function toDelivery(d: DeliveryRecord): WebhookDelivery {
  const out: WebhookDelivery = {
    delivery_id: d.deliveryId,
    webhook_id: d.webhookId,
    event: toWireEvent(d.event),
    status: d.status,
    attempts: d.attempts,
    creation_timestamp: d.creationTime,
    last_updated_timestamp: d.lastUpdatedTime,
  };
  if (d.lastStatusCode !== undefined) out.last_status_code = d.lastStatusCode;
  if (d.lastError !== undefined) out.last_error = d.lastError;
  if (d.status === 'PENDING' && d.nextAttemptTime !== undefined)
    out.next_attempt_timestamp = d.nextAttemptTime;
  return out;
}

function checkName(name: string | undefined): string {
  if (!name) throw MlflowError.missingParameter('name');
  validateLength('Webhook name', name, 256);
  return name;
}

function maxResultsOf(n: number | undefined): number {
  const value = n ?? 100;
  if (value < 1 || value > 1000) {
    throw MlflowError.invalidParameter(
      `Invalid value for max_results. It must be between 1 and 1000, but got ${value}`,
    );
  }
  return value;
}

export interface WebhookServiceOptions {
  now?: () => number;
  timeoutMs?: number;
  allowPrivateTargets?: boolean;
}

export class WebhookService {
  private readonly now: () => number;

  constructor(
    private readonly store: WebhookStore,
    private readonly options: WebhookServiceOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  async createWebhook(req: {
    name: string;
    description?: string;
    url: string;
    events: EventInput[];
    secret?: string;
    status?: string;
  }): Promise<WebhookResponse> {
    const t = this.now();
    const record: WebhookRecord = {
      webhookId: randomUUID().replaceAll('-', ''),
      name: checkName(req.name),
      description: req.description ?? '',
      url: validateWebhookUrl(req.url ?? ''),
      events: parseEvents(req.events),
      secret: req.secret ?? '',
      status: parseWebhookStatus(req.status),
      creationTime: t,
      lastUpdatedTime: t,
    };
    validateLength('Webhook description', record.description, 1000);
    validateLength('Webhook secret', record.secret, 1000);
    await this.store.createWebhook(record);
    return { webhook: toWebhook(record) };
  }

  async listWebhooks(req: { max_results?: number; page_token?: string }): Promise<ListWebhooksResponse> {
    const page = await this.store.listWebhooks(
      maxResultsOf(req.max_results),
      decodePageToken(req.page_token),
    );
    const out: ListWebhooksResponse = {};
    if (page.items.length > 0) out.webhooks = page.items.map(toWebhook);
    if (page.nextOffset !== undefined) out.next_page_token = encodePageToken(page.nextOffset);
    return out;
  }

  async getWebhook(req: { webhook_id: string }): Promise<WebhookResponse> {
    return { webhook: toWebhook(await this.store.getWebhook(req.webhook_id)) };
  }

  async updateWebhook(req: {
    webhook_id: string;
    name?: string;
    description?: string;
    url?: string;
    events?: EventInput[];
    secret?: string;
    status?: string;
  }): Promise<WebhookResponse> {
    const patch: Partial<Omit<WebhookRecord, 'webhookId' | 'creationTime'>> = { lastUpdatedTime: this.now() };
    if (req.name !== undefined) patch.name = checkName(req.name);
    if (req.description !== undefined) {
      validateLength('Webhook description', req.description, 1000);
      patch.description = req.description;
    }
    if (req.url !== undefined) patch.url = validateWebhookUrl(req.url);
    if (req.events !== undefined) patch.events = parseEvents(req.events);
    if (req.secret !== undefined) {
      validateLength('Webhook secret', req.secret, 1000);
      patch.secret = req.secret;
    }
    if (req.status !== undefined) patch.status = parseWebhookStatus(req.status);
    return { webhook: toWebhook(await this.store.updateWebhook(req.webhook_id, patch)) };
  }

  async deleteWebhook(req: { webhook_id: string }) {
    await this.store.deleteWebhook(req.webhook_id);
    return {};
  }

  /** Sends one sample payload now, signed like a real delivery, and reports what the receiver said. */
  async testWebhook(req: { webhook_id: string; event?: EventInput }): Promise<TestWebhookResponse> {
    const hook = await this.store.getWebhook(req.webhook_id);
    const event = req.event ? eventKey(req.event) : (hook.events[0] as string);
    const [entity, action] = event.split('.');
    const body = JSON.stringify({
      entity,
      action,
      timestamp: new Date(this.now()).toISOString(),
      data: { test: true, webhook_id: hook.webhookId },
    });
    const result = await sendSigned(hook, randomUUID(), body, {
      timeoutMs: this.options.timeoutMs ?? 10_000,
      allowPrivateTargets: this.options.allowPrivateTargets ?? false,
      now: this.now,
    });
    const out: TestWebhookResponse['result'] = { success: result.ok };
    if (result.status !== undefined) out.response_status = result.status;
    if (result.body !== undefined) out.response_body = result.body;
    if (result.error !== undefined) out.error_message = result.error;
    return { result: out };
  }

  async listWebhookDeliveries(req: {
    webhook_id: string;
    max_results?: number;
    page_token?: string;
  }): Promise<ListWebhookDeliveriesResponse> {
    const page = await this.store.listDeliveries(
      req.webhook_id,
      maxResultsOf(req.max_results),
      decodePageToken(req.page_token),
    );
    const out: ListWebhookDeliveriesResponse = {};
    if (page.items.length > 0) out.deliveries = page.items.map(toDelivery);
    if (page.nextOffset !== undefined) out.next_page_token = encodePageToken(page.nextOffset);
    return out;
  }
}
