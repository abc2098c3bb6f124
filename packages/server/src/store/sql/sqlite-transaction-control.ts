import type BetterSqlite3 from 'better-sqlite3';
import type { TransactionControl } from './group-commit.ts';

/**
 * Group commit's transaction control on a SQLite handle. Only the queue issues statements on the writer
 * connection, one batch at a time, so transaction control straight on the handle is safe (and skips Kysely
 * for statements without results). BEGIN IMMEDIATE takes the write lock up front, which other processes on
 * the same file need to avoid deadlocking (architecture §3). `conn` is what units receive; `committed` runs
 * after each COMMIT.
 */
export function sqliteTransactionControl<C>(
  handle: BetterSqlite3.Database,
  conn: C,
  committed?: () => void,
): TransactionControl<C> {
  // Rows changed (total_changes) plus schema changes (the schema cookie grows with every DDL statement).
  const changeCount = handle
    .prepare('SELECT total_changes() + (SELECT schema_version FROM pragma_schema_version())')
    .pluck();
  return {
    begin: async () => {
      handle.exec('BEGIN IMMEDIATE');
      return conn;
    },
    savepoint: async () => void handle.exec('SAVEPOINT unit'),
    release: async () => void handle.exec('RELEASE unit'),
    rollbackToSavepoint: async () => void handle.exec('ROLLBACK TO unit; RELEASE unit'),
    commit: async () => {
      handle.exec('COMMIT');
      committed?.();
    },
    rollback: async () => {
      if (handle.inTransaction) handle.exec('ROLLBACK');
    },
    changeCounter: {
      changes: () => changeCount.get() as number,
      inTransaction: () => handle.inTransaction,
    },
  };
}
