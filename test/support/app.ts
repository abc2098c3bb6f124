// A real app over a real database for HTTP-level tests: buildApp() + inject(), no network.
import { buildApp, openSqlTrackingStore, type SqlTrackingStore, TrackingService } from '@mlflow-ts/server';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type Dialect, type TestDatabase } from './databases.ts';

export interface TestApp {
  dialect: Dialect;
  app: FastifyInstance;
  store: SqlTrackingStore;
  db: TestDatabase;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** The server's clock (store timestamps and default run start times). */
  now?: () => number;
  bodyLimit?: number;
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
  const app = buildApp(
    { tracking: new TrackingService(store, options.now) },
    { bodyLimit: options.bodyLimit },
  );
  await app.ready();
  return {
    dialect,
    app,
    store,
    db,
    async close() {
      await app.close();
      await store.close();
      await db.drop();
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
