/** Webhook RPCs (spec §1.9, MLflow 3.x shape) plus the delivery log, which MLflow does not have. */
import type { Webhook, WebhookDelivery, WebhookTestResult } from '../entities.ts';
import { Int32, Msg, Opt, Rep, Str } from '../proto.ts';

const Event = () => Msg({ entity: Str(), action: Str() });

export const CreateWebhook = Msg({
  name: Str(),
  description: Opt(Str()),
  url: Str(),
  events: Rep(Event()),
  secret: Opt(Str()),
  status: Opt(Str()),
});
export const ListWebhooks = Msg({ max_results: Opt(Int32()), page_token: Opt(Str()) });
export const GetWebhook = Msg({ webhook_id: Str() });
export const UpdateWebhook = Msg({
  webhook_id: Str(),
  name: Opt(Str()),
  description: Opt(Str()),
  url: Opt(Str()),
  events: Opt(Rep(Event())),
  secret: Opt(Str()),
  status: Opt(Str()),
});
export const DeleteWebhook = Msg({ webhook_id: Str() });
export const TestWebhook = Msg({ webhook_id: Str(), event: Opt(Event()) });
export const ListWebhookDeliveries = Msg({
  webhook_id: Str(),
  max_results: Opt(Int32()),
  page_token: Opt(Str()),
});

export interface WebhookResponse {
  webhook: Webhook;
}
export interface ListWebhooksResponse {
  webhooks?: Webhook[];
  next_page_token?: string;
}
export interface TestWebhookResponse {
  result: WebhookTestResult;
}
export interface ListWebhookDeliveriesResponse {
  deliveries?: WebhookDelivery[];
  next_page_token?: string;
}
