import type BetterSqlite3 from 'better-sqlite3';
import type { WriteLock } from '../../write-thread/write-lock.ts';
import type { TransactionControl } from './group-commit.ts';

/**
 * Group commit's transaction control on a SQLite handle. Only the queue issues statements on the writer
 * connection, one batch at a time, so transaction control straight on the handle is safe (and skips Kysely
 * for statements without results). BEGIN IMMEDIATE takes the write lock up front, which other processes on
 * the same file need to avoid deadlocking (architecture §3). `conn` is what units receive; `committed` runs
 * after each COMMIT. With `lock`, a transaction starts only once this connection holds it, and ends by
 * releasing it (another writer of the same process takes turns with this one: write-lock.ts).
 */
export function sqliteTransactionControl<C>(
  handle: BetterSqlite3.Database,
  conn: C,
  committed?: () => void,
  lock?: WriteLock,
): TransactionControl<C> {
  let held = false;
  const release = () => {
    if (held) {
      held = false;
      lock?.release();
    }
  };
  // Rows changed (total_changes) plus schema changes (the schema cookie grows with every DDL statement).
  const changeCount = handle
    .prepare('SELECT total_changes() + (SELECT schema_version FROM pragma_schema_version())')
    .pluck();
  return {
    begin: async () => {
      if (lock) {
        await lock.acquire();
        held = true;
      }
      try {
        handle.exec('BEGIN IMMEDIATE');
      } catch (err) {
        release();
        throw err;
      }
      return conn;
    },
    savepoint: async () => void handle.exec('SAVEPOINT unit'),
    release: async () => void handle.exec('RELEASE unit'),
    rollbackToSavepoint: async () => void handle.exec('ROLLBACK TO unit; RELEASE unit'),
    commit: async () => {
      // A failed COMMIT leaves the transaction open: the queue rolls it back, which releases the lock.
      handle.exec('COMMIT');
      release();
      committed?.();
    },
    rollback: async () => {
      try {
        if (handle.inTransaction) handle.exec('ROLLBACK');
      } finally {
        release();
      }
    },
    changeCounter: {
      changes: () => changeCount.get() as number,
      inTransaction: () => handle.inTransaction,
    },
  };
}
