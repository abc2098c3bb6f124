// A real app over a real database for HTTP-level tests: buildApp() + inject(), no network.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ArtifactLocations,
  ArtifactService,
  buildApp,
  openArtifactRepository,
  openSqlTrackingStore,
  RegistryService,
  RunKeysService,
  type S3Settings,
  type SqlTrackingStore,
  TrackingService,
  WebhookDispatcher,
  WebhookService,
} from '@mlflow-ts/server';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type Dialect, type TestDatabase } from './databases.ts';

export interface TestApp {
  dialect: Dialect;
  app: FastifyInstance;
  store: SqlTrackingStore;
  db: TestDatabase;
  /** Where proxied artifacts are stored (`--artifacts-destination`): a fresh temp dir unless given. */
  artifactsDestination: string;
  /** Sends webhook deliveries (to loopback receivers too, with short backoff: see `webhookBackoffMs`). */
  dispatcher: WebhookDispatcher;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** The server's clock (store timestamps and default run start times). */
  now?: () => number;
  bodyLimit?: number;
  /** A destination URI (e.g. `s3://bucket/prefix`) instead of a fresh temp dir. */
  artifactsDestination?: string;
  s3?: S3Settings;
  /** `--no-serve-artifacts`: the proxy endpoints answer 503. */
  serveArtifacts?: boolean;
  /** First webhook retry delay (doubling after), default 20 ms so retry tests run fast. */
  webhookBackoffMs?: number;
}

export async function createTestApp(dialect: Dialect, options: TestAppOptions = {}): Promise<TestApp> {
  const db = await createTestDatabase(dialect);
  let store: SqlTrackingStore;
  try {
    store = await openSqlTrackingStore(db.uri, {
      defaultArtifactRoot: 'mlflow-artifacts:/',
      now: options.now,
    });
  } catch (err) {
    await db.drop();
    throw err;
  }
  const ownDir = options.artifactsDestination
    ? undefined
    : mkdtempSync(join(tmpdir(), 'mlflow-ts-artifacts-'));
  const artifactsDestination = options.artifactsDestination ?? ownDir!;
  const locations = new ArtifactLocations(
    options.serveArtifacts === false
      ? undefined
      : openArtifactRepository(artifactsDestination, { s3: options.s3 }),
  );
  const dispatcher = new WebhookDispatcher(store.webhooks, {
    allowPrivateTargets: true,
    baseBackoffMs: options.webhookBackoffMs ?? 20,
    pollIntervalMs: 200,
  });
  dispatcher.start();
  const app = buildApp(
    {
      tracking: new TrackingService(store, options.now, dispatcher),
      registry: new RegistryService(store.registry, store, dispatcher),
      webhooks: new WebhookService(store.webhooks, { allowPrivateTargets: true }),
      artifacts: { service: new ArtifactService(locations, store) },
      runKeys: new RunKeysService(store.runKeys),
    },
    { bodyLimit: options.bodyLimit },
  );
  await app.ready();
  return {
    dialect,
    app,
    store,
    db,
    artifactsDestination,
    dispatcher,
    async close() {
      await app.close();
      await dispatcher.idle();
      await dispatcher.stop();
      await locations.close();
      await store.close();
      await db.drop();
      if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    },
  };
}

/** Starts the app on a free loopback port, for clients that speak real HTTP (SDK, Python). */
export async function startTestServer(
  dialect: Dialect = 'sqlite',
): Promise<{ url: string; close(): Promise<void> }> {
  const t = await createTestApp(dialect);
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const address = t.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, close: () => t.close() };
}
