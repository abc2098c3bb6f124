// The app the replays and protocol tests talk to: buildApp() over a fresh database, as createTestApp()
// does, plus two knobs those tests need:
// - a strictly increasing clock. The recordings were made at client speed, so every experiment got its
//   own creation_time; an in-process replay creates several in one millisecond, and equal times would
//   reorder `experiments/search` results ordered by time (ties break by id). Real times, never equal.
// - a body limit, to test oversized bodies without sending 64 MB.
import { buildApp, openSqlTrackingStore, type SqlTrackingStore, TrackingService } from '@mlflow-ts/server';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type Dialect, type TestDatabase } from './databases.ts';

export interface ReplayApp {
  dialect: Dialect;
  app: FastifyInstance;
  store: SqlTrackingStore;
  db: TestDatabase;
  close(): Promise<void>;
}

export function monotonicClock(): () => number {
  let last = 0;
  return () => {
    last = Math.max(Date.now(), last + 1);
    return last;
  };
}

export async function createReplayApp(
  dialect: Dialect,
  options: { bodyLimit?: number } = {},
): Promise<ReplayApp> {
  const db = await createTestDatabase(dialect);
  const now = monotonicClock();
  let store: SqlTrackingStore;
  try {
    store = await openSqlTrackingStore(db.uri, { defaultArtifactRoot: 'mlflow-artifacts:/', now });
  } catch (err) {
    await db.drop();
    throw err;
  }
  const app = buildApp({ tracking: new TrackingService(store, now) }, { bodyLimit: options.bodyLimit });
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
