/** Webhooks and their delivery log (spec §1.9 plus our delivery records). */
import type { Page } from './tracking-store.ts';

export interface WebhookRecord {
  webhookId: string;
  name: string;
  description: string;
  url: string;
  /** `entity.action` keys. */
  events: string[];
  /** Never leaves the server: used to sign deliveries only. */
  secret: string;
  status: 'ACTIVE' | 'DISABLED';
  creationTime: number;
  lastUpdatedTime: number;
}

export interface DeliveryRecord {
  deliveryId: string;
  webhookId: string;
  event: string;
  /** The JSON text sent as body, fixed when the event happened. */
  payload: string;
  status: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  attempts: number;
  nextAttemptTime?: number;
  lastStatusCode?: number;
  lastError?: string;
  creationTime: number;
  lastUpdatedTime: number;
}

/** A claimed delivery with where to send it. */
export interface DueDelivery extends DeliveryRecord {
  url: string;
  secret: string;
}

export interface DeliveryOutcome {
  status: DeliveryRecord['status'];
  attempts: number;
  nextAttemptTime?: number;
  lastStatusCode?: number;
  lastError?: string;
}

export interface WebhookStore {
  createWebhook(record: WebhookRecord): Promise<void>;
  getWebhook(webhookId: string): Promise<WebhookRecord>;
  listWebhooks(maxResults: number, offset: number): Promise<Page<WebhookRecord>>;
  updateWebhook(
    webhookId: string,
    patch: Partial<Omit<WebhookRecord, 'webhookId' | 'creationTime'>>,
  ): Promise<WebhookRecord>;
  deleteWebhook(webhookId: string): Promise<void>;
  /** Active webhooks subscribed to an event. */
  subscribersOf(event: string): Promise<WebhookRecord[]>;
  enqueueDeliveries(deliveries: DeliveryRecord[]): Promise<void>;
  /**
   * Takes up to `limit` pending deliveries due at `now` and leases them until `now + leaseMs`, so another
   * process (or a crash) cannot send one twice at once; an unfinished lease simply comes due again.
   */
  claimDueDeliveries(now: number, limit: number, leaseMs: number): Promise<DueDelivery[]>;
  finishAttempt(deliveryId: string, outcome: DeliveryOutcome, now: number): Promise<void>;
  /** The earliest time a pending delivery comes due, if any. */
  nextDueTime(): Promise<number | undefined>;
  listDeliveries(webhookId: string, maxResults: number, offset: number): Promise<Page<DeliveryRecord>>;
}
