import { MlflowError } from '../../core/mlflow-error.ts';
import type { Page } from '../tracking-store.ts';
import type {
  DeliveryOutcome,
  DeliveryRecord,
  DueDelivery,
  WebhookRecord,
  WebhookStore,
} from '../webhook-store.ts';
import type { SqlDialect } from './dialect.ts';
import type { MlflowTsWebhookDeliveriesTable, MlflowTsWebhooksTable } from './schema.ts';

const ACTIVE_TTL_MS = 5000;

const notFound = (id: string) => MlflowError.notFound(`Webhook with ID ${id} not found.`);

function toRecord(row: MlflowTsWebhooksTable): WebhookRecord {
  return {
    webhookId: row.webhook_id,
    name: row.name,
    description: row.description ?? '',
    url: row.url,
    events: JSON.parse(row.events) as string[],
    secret: row.secret ?? '',
    status: row.status === 'DISABLED' ? 'DISABLED' : 'ACTIVE',
    creationTime: Number(row.creation_time),
    lastUpdatedTime: Number(row.last_updated_time),
  };
}

function toDelivery(row: MlflowTsWebhookDeliveriesTable): DeliveryRecord {
  const d: DeliveryRecord = {
    deliveryId: row.delivery_id,
    webhookId: row.webhook_id,
    event: row.event,
    payload: row.payload,
    status: row.status as DeliveryRecord['status'],
    attempts: Number(row.attempts),
    creationTime: Number(row.creation_time),
    lastUpdatedTime: Number(row.last_updated_time),
  };
  if (row.next_attempt_time != null) d.nextAttemptTime = Number(row.next_attempt_time);
  if (row.last_status_code != null) d.lastStatusCode = Number(row.last_status_code);
  if (row.last_error != null) d.lastError = row.last_error;
  return d;
}

export class SqlWebhookStore implements WebhookStore {
  /**
   * Active webhooks, read at most every ACTIVE_TTL_MS: every finished run and registry write asks who
   * subscribes, and a query per such request is work on a hot path for a table that rarely changes. This
   * process's own changes drop the copy once committed; other processes' show within the TTL.
   */
  private active: { at: number; hooks: WebhookRecord[] } | undefined;

  constructor(private readonly dialect: SqlDialect) {}

  async createWebhook(r: WebhookRecord): Promise<void> {
    await this.dialect.write((trx) =>
      trx
        .insertInto('mlflow_ts_webhooks')
        .values({
          webhook_id: r.webhookId,
          name: r.name,
          description: r.description || null,
          url: r.url,
          events: JSON.stringify(r.events),
          secret: r.secret || null,
          status: r.status,
          creation_time: r.creationTime,
          last_updated_time: r.lastUpdatedTime,
        })
        .execute(),
    );
    this.active = undefined;
  }

  async getWebhook(webhookId: string): Promise<WebhookRecord> {
    const row = await this.dialect.db
      .selectFrom('mlflow_ts_webhooks')
      .selectAll()
      .where('webhook_id', '=', webhookId)
      .executeTakeFirst();
    if (!row) throw notFound(webhookId);
    return toRecord(row);
  }

  async listWebhooks(maxResults: number, offset: number): Promise<Page<WebhookRecord>> {
    const rows = await this.dialect.db
      .selectFrom('mlflow_ts_webhooks')
      .selectAll()
      .orderBy('creation_time', 'desc')
      .orderBy('webhook_id')
      .limit(maxResults + 1)
      .offset(offset)
      .execute();
    const items = rows.slice(0, maxResults).map(toRecord);
    return rows.length > maxResults ? { items, nextOffset: offset + maxResults } : { items };
  }

  async updateWebhook(
    webhookId: string,
    patch: Partial<Omit<WebhookRecord, 'webhookId' | 'creationTime'>>,
  ): Promise<WebhookRecord> {
    const updated = await this.dialect.write(async (trx) => {
      const set: Partial<MlflowTsWebhooksTable> = {};
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.description !== undefined) set.description = patch.description || null;
      if (patch.url !== undefined) set.url = patch.url;
      if (patch.events !== undefined) set.events = JSON.stringify(patch.events);
      if (patch.secret !== undefined) set.secret = patch.secret || null;
      if (patch.status !== undefined) set.status = patch.status;
      if (patch.lastUpdatedTime !== undefined) set.last_updated_time = patch.lastUpdatedTime;
      const result = await trx
        .updateTable('mlflow_ts_webhooks')
        .set(set)
        .where('webhook_id', '=', webhookId)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw notFound(webhookId);
      const row = await trx
        .selectFrom('mlflow_ts_webhooks')
        .selectAll()
        .where('webhook_id', '=', webhookId)
        .executeTakeFirstOrThrow();
      return toRecord(row);
    });
    this.active = undefined;
    return updated;
  }

  async deleteWebhook(webhookId: string): Promise<void> {
    await this.dialect.write(async (trx) => {
      const result = await trx
        .deleteFrom('mlflow_ts_webhooks')
        .where('webhook_id', '=', webhookId)
        .executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw notFound(webhookId);
      await trx.deleteFrom('mlflow_ts_webhook_deliveries').where('webhook_id', '=', webhookId).execute();
    });
    this.active = undefined;
  }

  async subscribersOf(event: string): Promise<WebhookRecord[]> {
    const now = Date.now();
    if (!this.active || now - this.active.at > ACTIVE_TTL_MS) {
      // Few rows: the event list is JSON text, matched here rather than with dialect-specific JSON SQL.
      const rows = await this.dialect.db
        .selectFrom('mlflow_ts_webhooks')
        .selectAll()
        .where('status', '=', 'ACTIVE')
        .execute();
      this.active = { at: now, hooks: rows.map(toRecord) };
    }
    return this.active.hooks.filter((w) => w.events.includes(event));
  }

  async enqueueDeliveries(deliveries: DeliveryRecord[]): Promise<void> {
    if (deliveries.length === 0) return;
    await this.dialect.write((trx) =>
      trx
        .insertInto('mlflow_ts_webhook_deliveries')
        .values(
          deliveries.map((d) => ({
            delivery_id: d.deliveryId,
            webhook_id: d.webhookId,
            event: d.event,
            payload: d.payload,
            status: d.status,
            attempts: d.attempts,
            next_attempt_time: d.nextAttemptTime ?? null,
            last_status_code: null,
            last_error: null,
            creation_time: d.creationTime,
            last_updated_time: d.lastUpdatedTime,
          })),
        )
        .execute(),
    );
  }

  claimDueDeliveries(now: number, limit: number, leaseMs: number): Promise<DueDelivery[]> {
    return this.dialect.write(async (trx) => {
      const due = await trx
        .selectFrom('mlflow_ts_webhook_deliveries as d')
        .innerJoin('mlflow_ts_webhooks as w', 'w.webhook_id', 'd.webhook_id')
        .selectAll('d')
        .select(['w.url', 'w.secret'])
        .where('d.status', '=', 'PENDING')
        .where('d.next_attempt_time', '<=', now)
        .orderBy('d.next_attempt_time')
        .limit(limit)
        .execute();
      const claimed: DueDelivery[] = [];
      for (const row of due) {
        // Conditional on the time we read: a process that claimed it meanwhile moved that time on.
        const result = await trx
          .updateTable('mlflow_ts_webhook_deliveries')
          .set({ next_attempt_time: now + leaseMs })
          .where('delivery_id', '=', row.delivery_id)
          .where('status', '=', 'PENDING')
          .where('next_attempt_time', '=', row.next_attempt_time)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 1) {
          claimed.push({ ...toDelivery(row), url: row.url, secret: row.secret ?? '' });
        }
      }
      return claimed;
    });
  }

  async finishAttempt(deliveryId: string, outcome: DeliveryOutcome, now: number): Promise<void> {
    await this.dialect.write((trx) =>
      trx
        .updateTable('mlflow_ts_webhook_deliveries')
        .set({
          status: outcome.status,
          attempts: outcome.attempts,
          next_attempt_time: outcome.nextAttemptTime ?? null,
          last_status_code: outcome.lastStatusCode ?? null,
          last_error: outcome.lastError?.slice(0, 2000) ?? null,
          last_updated_time: now,
        })
        .where('delivery_id', '=', deliveryId)
        .execute(),
    );
  }

  async nextDueTime(): Promise<number | undefined> {
    const row = await this.dialect.db
      .selectFrom('mlflow_ts_webhook_deliveries')
      .select((eb) => eb.fn.min('next_attempt_time').as('t'))
      .where('status', '=', 'PENDING')
      .executeTakeFirst();
    return row?.t == null ? undefined : Number(row.t);
  }

  async listDeliveries(webhookId: string, maxResults: number, offset: number): Promise<Page<DeliveryRecord>> {
    await this.getWebhook(webhookId);
    const rows = await this.dialect.db
      .selectFrom('mlflow_ts_webhook_deliveries')
      .selectAll()
      .where('webhook_id', '=', webhookId)
      .orderBy('creation_time', 'desc')
      .orderBy('delivery_id')
      .limit(maxResults + 1)
      .offset(offset)
      .execute();
    const items = rows.slice(0, maxResults).map(toDelivery);
    return rows.length > maxResults ? { items, nextOffset: offset + maxResults } : { items };
  }
}
