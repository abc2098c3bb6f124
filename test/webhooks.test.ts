// Webhooks end to end on both databases: the CRUD API, signed deliveries of registry and run events to a
// real local receiver that fails its first attempts, retries with backoff, the delivery log, the test
// endpoint, the SSRF guard, and deliveries that outlive the process that queued them.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { verifyDelivery, WebhookDispatcher, WebhookService } from '@mlflow-ts/server';
import { createTestApp, type TestApp } from './support/app.ts';
import { availableDialects } from './support/dialects.ts';
import { type Client, client } from './support/replay-http.ts';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver answering 503 to its first `failFirst` requests and 200 after. */
async function startReceiver(
  failFirst: number,
): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = received.length <= failFirst ? 503 : 200;
      res.end(received.length <= failFirst ? 'busy' : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, server };
}

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  ms = 10_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const dialect of availableDialects()) {
  describe(`webhooks [${dialect}]`, () => {
    let t: TestApp;
    let c: Client;
    const servers: Server[] = [];
    before(async () => {
      t = await createTestApp(dialect);
      c = client(t.app);
    });
    after(async () => {
      await t.close();
      for (const s of servers) s.close();
    });

    const call = (method: string, path: string, body?: unknown) =>
      c.call(method, `/api/2.0/mlflow${path}`, body === undefined ? {} : { body });

    it('creates, lists, updates and deletes webhooks, never returning the secret', async () => {
      const created = await c.ok('/webhooks', {
        name: 'crud',
        url: 'https://hooks.example.com/x',
        events: [
          { entity: 'MODEL_VERSION', action: 'CREATED' },
          { entity: 'model_version_alias', action: 'created' },
        ],
        secret: 's3cret',
      });
      const hook = created.webhook;
      assert.match(hook.webhook_id, /^[0-9a-f]{32}$/);
      assert.equal(hook.status, 'ACTIVE');
      assert.deepEqual(hook.events, [
        { entity: 'MODEL_VERSION', action: 'CREATED' },
        { entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' },
      ]);
      assert.equal(JSON.stringify(created).includes('s3cret'), false);
      const got = await c.okGet(`/webhooks/${hook.webhook_id}`);
      assert.deepEqual(got.webhook, hook);
      const listed = await c.okGet('/webhooks');
      assert.ok(listed.webhooks.some((w: { webhook_id: string }) => w.webhook_id === hook.webhook_id));
      const patched = await call('PATCH', `/webhooks/${hook.webhook_id}`, {
        status: 'disabled',
        name: 'renamed',
      });
      assert.equal(patched.status, 200);
      assert.equal(patched.json.webhook.status, 'DISABLED');
      assert.equal(patched.json.webhook.name, 'renamed');
      assert.equal((await call('DELETE', `/webhooks/${hook.webhook_id}`)).status, 200);
      const gone = await call('GET', `/webhooks/${hook.webhook_id}`);
      assert.equal(gone.status, 404);
      assert.equal(gone.json.error_code, 'RESOURCE_DOES_NOT_EXIST');
    });

    it('refuses bad events, URLs and statuses with 400', async () => {
      const base = {
        name: 'bad',
        url: 'https://h.example.com',
        events: [{ entity: 'MODEL_VERSION', action: 'CREATED' }],
      };
      for (const body of [
        { ...base, events: [] },
        { ...base, events: [{ entity: 'MODEL_VERSION', action: 'EXPLODED' }] },
        { ...base, url: 'ftp://h.example.com/x' },
        { ...base, url: 'not a url' },
        { ...base, status: 'MAYBE' },
        { ...base, name: '' },
      ]) {
        const r = await call('POST', '/webhooks', body);
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.equal(r.json.error_code, 'INVALID_PARAMETER_VALUE');
      }
    });

    it('delivers signed registry events, retrying 503s with backoff, and logs each delivery', async () => {
      const receiver = await startReceiver(2);
      servers.push(receiver.server);
      const { webhook } = await c.ok('/webhooks', {
        name: 'registry',
        url: receiver.url,
        events: [{ entity: 'MODEL_VERSION', action: 'CREATED' }],
        secret: 'topsecret',
      });
      await c.ok('/registered-models/create', { name: 'hooked' });
      await c.ok('/model-versions/create', { name: 'hooked', source: 's3://b/hooked', run_id: 'r1' });
      const [delivery] = await until('a delivered event', async () => {
        const log = await c.okGet(`/webhooks/${webhook.webhook_id}/deliveries`);
        return log.deliveries?.[0]?.status === 'SUCCEEDED' ? log.deliveries : undefined;
      });
      assert.equal(delivery.attempts, 3);
      assert.equal(delivery.last_status_code, 200);
      assert.deepEqual(delivery.event, { entity: 'MODEL_VERSION', action: 'CREATED' });
      assert.equal(receiver.received.length, 3);
      const last = receiver.received[2] as Received;
      const id = String(last.headers['x-mlflow-delivery-id']);
      assert.equal(id, delivery.delivery_id);
      // Each attempt is signed over its own timestamp.
      for (const r of receiver.received) {
        assert.ok(
          verifyDelivery(
            'topsecret',
            {
              deliveryId: String(r.headers['x-mlflow-delivery-id']),
              timestamp: Number(r.headers['x-mlflow-timestamp']),
              signature: String(r.headers['x-mlflow-signature']),
            },
            r.body,
          ),
        );
      }
      const payload = JSON.parse(last.body);
      assert.equal(payload.entity, 'model_version');
      assert.equal(payload.action, 'created');
      assert.match(payload.timestamp, /^\d{4}-\d\d-\d\dT/);
      assert.deepEqual(payload.data, {
        name: 'hooked',
        version: '1',
        source: 's3://b/hooked',
        run_id: 'r1',
        tags: {},
        description: null,
      });
    });

    it('announces finished runs and gives up on receivers that refuse', async () => {
      const refusing = createServer((_req, res) => {
        res.statusCode = 400;
        res.end('no');
      });
      await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
      servers.push(refusing);
      const url = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}/`;
      const { webhook } = await c.ok('/webhooks', {
        name: 'runs',
        url,
        events: [{ entity: 'RUN', action: 'FINISHED' }],
      });
      const { run } = await c.ok('/runs/create', { experiment_id: '0' });
      await c.ok('/runs/update', { run_id: run.info.run_id, status: 'FINISHED', end_time: 5 });
      const [delivery] = await until('a failed delivery', async () => {
        const log = await c.okGet(`/webhooks/${webhook.webhook_id}/deliveries`);
        return log.deliveries?.[0]?.status === 'FAILED' ? log.deliveries : undefined;
      });
      // A 4xx is the receiver's final word: no retries.
      assert.equal(delivery.attempts, 1);
      assert.equal(delivery.last_status_code, 400);
      assert.match(delivery.last_error, /HTTP 400/);
    });

    it('names registry events of prompts as MLflow 3.x does', async () => {
      const receiver = await startReceiver(0);
      servers.push(receiver.server);
      await c.ok('/webhooks', {
        name: 'prompts',
        url: receiver.url,
        events: [
          { entity: 'PROMPT', action: 'CREATED' },
          { entity: 'REGISTERED_MODEL', action: 'CREATED' },
        ],
      });
      await c.ok('/registered-models/create', {
        name: 'greeting',
        tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }],
      });
      await c.ok('/registered-models/create', { name: 'plain-model' });
      await until('two deliveries', () => (receiver.received.length >= 2 ? true : undefined));
      const events = receiver.received
        .map((r) => JSON.parse(r.body))
        .map((b) => `${b.entity}.${b.action}:${b.data.name}`)
        .sort();
      assert.deepEqual(events, ['prompt.created:greeting', 'registered_model.created:plain-model']);
    });

    it('sends a test delivery on request', async () => {
      const receiver = await startReceiver(0);
      servers.push(receiver.server);
      const { webhook } = await c.ok('/webhooks', {
        name: 'tested',
        url: receiver.url,
        events: [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }],
      });
      const r = await c.ok(`/webhooks/${webhook.webhook_id}/test`, {});
      assert.deepEqual(r.result, { success: true, response_status: 200, response_body: 'ok' });
      assert.equal(JSON.parse(receiver.received[0]?.body ?? '{}').entity, 'registered_model');
      assert.equal(receiver.received[0]?.headers['x-mlflow-signature'], undefined);
    });

    it('keeps private targets out unless allowed', async () => {
      const receiver = await startReceiver(0);
      servers.push(receiver.server);
      const { webhook } = await c.ok('/webhooks', {
        name: 'guarded',
        url: receiver.url,
        events: [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }],
      });
      const strict = new WebhookService(t.store.webhooks);
      const r = await strict.testWebhook({ webhook_id: webhook.webhook_id });
      assert.equal(r.result.success, false);
      assert.match(r.result.error_message ?? '', /private address 127\.0\.0\.1/);
      assert.equal(receiver.received.length, 0);
    });

    it('sends what was queued before a restart', async () => {
      const receiver = await startReceiver(0);
      servers.push(receiver.server);
      await c.ok('/webhooks', {
        name: 'restart',
        url: receiver.url,
        events: [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }],
      });
      // The running dispatcher stops (as a process would); the event is stored, not sent.
      await t.dispatcher.stop();
      await c.ok('/registered-models/create', { name: 'after-stop' });
      await t.dispatcher.idle();
      assert.equal(receiver.received.length, 0);
      const next = new WebhookDispatcher(t.store.webhooks, { allowPrivateTargets: true, pollIntervalMs: 50 });
      next.start();
      try {
        const got = await until('the queued delivery', () => receiver.received[0]);
        assert.equal(JSON.parse(got.body).data.name, 'after-stop');
      } finally {
        await next.stop();
        t.dispatcher.start();
      }
    });
  });
}
