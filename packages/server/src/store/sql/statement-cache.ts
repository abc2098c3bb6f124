import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/**
 * Kysely prepares every query anew; preparing costs more than running a small statement. This keeps the
 * prepared statements of a connection by SQL text (queries differ only by parameters, so the set is small;
 * IN-lists of varying length are the exception, hence the bound).
 */
export function cachingDatabase(handle: BetterSqlite3.Database, capacity = 512): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => handle.close(),
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (stmt) {
        // Refresh its place so the least recently used statement is evicted first.
        cache.delete(sql);
      } else {
        stmt = handle.prepare(sql);
        if (cache.size >= capacity) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, stmt);
      return stmt as unknown as ReturnType<SqliteDatabase['prepare']>;
    },
  };
}
