import { MlflowError } from '../../core/mlflow-error.ts';
import type { WriteLock } from '../../write-thread/write-lock.ts';
import type { SqlDialect } from './dialect.ts';
import { PostgresDialect } from './postgres-dialect.ts';
import { SqliteDialect } from './sqlite-dialect.ts';

export interface DatabaseOptions {
  poolSize?: number;
  sqliteSynchronous?: 'NORMAL' | 'FULL';
  sqliteBusyTimeoutMs?: number;
  /** `mmap_size` of SQLite read connections (default 1 GiB, 0: none; see SqliteOptions.mmapBytes). */
  sqliteMmapBytes?: number;
  /** SQLite WAL checkpoints on a thread of their own (default on; see SqliteOptions.checkpointThread). */
  sqliteCheckpointThread?: boolean;
  /** Taken around every SQLite transaction; shared with a log-batch write thread (batch-writer.ts). */
  sqliteWriteLock?: WriteLock;
}

/** SQLAlchemy-style URI → file path: `sqlite:///rel.db` is relative, `sqlite:////abs.db` absolute. */
export function sqlitePathFromUri(uri: string): string {
  const rest = uri.slice('sqlite://'.length);
  if (rest === '' || rest === '/' || rest === '/:memory:') return ':memory:';
  if (!rest.startsWith('/')) throw MlflowError.invalidParameter(`Invalid SQLite URI '${uri}'`);
  return decodeURIComponent(rest.slice(1).split('?')[0]!);
}

/** Picks the dialect by URI scheme, as `--backend-store-uri` does (spec §7.2). */
export function openDatabase(uri: string, options: DatabaseOptions = {}): SqlDialect {
  const scheme = uri.split(':', 1)[0]!.split('+', 1)[0]!.toLowerCase();
  if (scheme === 'sqlite') {
    return new SqliteDialect({
      path: sqlitePathFromUri(uri),
      synchronous: options.sqliteSynchronous,
      busyTimeoutMs: options.sqliteBusyTimeoutMs,
      mmapBytes: options.sqliteMmapBytes,
      checkpointThread: options.sqliteCheckpointThread,
      writeLock: options.sqliteWriteLock,
    });
  }
  if (scheme === 'postgresql' || scheme === 'postgres') {
    // Drop a SQLAlchemy driver suffix such as `postgresql+psycopg2://`.
    const connectionString = uri.replace(/^[a-z]+(\+[a-z0-9_]+)?:/i, 'postgresql:');
    return new PostgresDialect({ connectionString, poolSize: options.poolSize });
  }
  throw MlflowError.invalidParameter(
    `Unsupported backend store URI '${uri}': use sqlite:///path.db or postgresql://user@host/db`,
  );
}
