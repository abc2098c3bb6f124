// Several processes may share one SQLite file (--workers): a write that cannot get the lock in time is
// answered 503 TEMPORARILY_UNAVAILABLE (which MLflow clients retry), never a 500, and writes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openSqlTrackingStore, type SqlTrackingStore } from '@mlflow-ts/server';
import Database from 'better-sqlite3';
import { rejectsWith } from '../support/assertions.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';

describe('SQLite write lock held by another process', () => {
  let db: TestDatabase;
  let store: SqlTrackingStore;
  before(async () => {
    db = await createTestDatabase('sqlite');
    store = await openSqlTrackingStore(db.uri, {
      defaultArtifactRoot: 'mlflow-artifacts:/',
      sqliteBusyTimeoutMs: 100,
    });
  });
  after(async () => {
    await store.close();
    await db.drop();
  });

  it('answers TEMPORARILY_UNAVAILABLE and recovers when the lock is released', async () => {
    const other = new Database(db.uri.slice('sqlite:///'.length));
    other.exec('BEGIN IMMEDIATE');
    try {
      await rejectsWith(store.createExperiment({ name: 'blocked', tags: [] }), 'TEMPORARILY_UNAVAILABLE');
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    assert.equal(await store.getExperimentByName('blocked'), undefined);
    assert.match(await store.createExperiment({ name: 'after', tags: [] }), /^\d+$/);
  });
});
