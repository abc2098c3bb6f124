// A fresh tracking store on a fresh database, for store conformance suites.
import { openSqlTrackingStore, type SqlTrackingStore } from '@mlflow-ts/server';
import { createTestDatabase, type Dialect } from './databases.ts';

export interface TestStore {
  store: SqlTrackingStore;
  close(): Promise<void>;
}

export async function createTestStore(dialect: Dialect, now?: () => number): Promise<TestStore> {
  const db = await createTestDatabase(dialect);
  const store = await openSqlTrackingStore(db.uri, { defaultArtifactRoot: 'mlflow-artifacts:/', now });
  return {
    store,
    async close() {
      await store.close();
      await db.drop();
    },
  };
}
