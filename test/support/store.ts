// A fresh tracking store on a fresh database, for store conformance suites.
import { openSqlTrackingStore, type SqlTrackingStore } from '@mlflow-ts/server';
import { createTestDatabase, type Dialect } from './databases.ts';

export interface TestStore {
  store: SqlTrackingStore;
  close(): Promise<void>;
}

export async function createTestStore(
  dialect: Dialect,
  now?: () => number,
  options: { historyCacheBytes?: number } = {},
): Promise<TestStore & { uri: string }> {
  const db = await createTestDatabase(dialect);
  const store = await openSqlTrackingStore(db.uri, {
    defaultArtifactRoot: 'mlflow-artifacts:/',
    now,
    ...options,
  });
  return {
    store,
    uri: db.uri,
    async close() {
      await store.close();
      await db.drop();
    },
  };
}
