import type { Kysely, RawBuilder } from 'kysely';
import type { Database, RunsTable } from './schema.ts';

export type DialectName = 'sqlite' | 'postgresql';

export interface MetricRow {
  key: string;
  value: number;
  timestamp: number;
  step: number;
  is_nan: boolean;
  run_uuid: string;
}

/**
 * SQL fragments that build wire JSON (spec §0) in the database. Values follow the wire rules: NaN and
 * ±Infinity metric values are the strings "NaN", "Infinity", "-Infinity"; a null metric timestamp is 0; a
 * null tag value is ''. Child lists keep the order in which the rows were written.
 */
export interface SearchJsonSql {
  /**
   * Correlated subqueries (on `runs.run_uuid`) giving a run's latest metrics `[{key, value, timestamp,
   * step}]`, params and tags `[{key, value}]` as JSON array text, '[]' or null when there are none. Loading
   * a page of runs this way avoids materialising thousands of row objects (runs/search: ~1.4 ms instead of
   * ~4 ms for 100 runs with 25 children each).
   */
  metrics: RawBuilder<string | null>;
  params: RawBuilder<string | null>;
  tags: RawBuilder<string | null>;
  /** The JSON string literal (quoted and escaped) of a text value that is not null. */
  quote(text: RawBuilder<unknown>): RawBuilder<string | null>;
}

/** A connection inside a write transaction. */
export type Trx = Kysely<Database>;

/**
 * What differs between the databases lives here and only here: connection handling, the write path,
 * bulk inserts and driver error mapping. Stores are written once against this interface.
 */
export interface SqlDialect {
  readonly name: DialectName;
  /** For reads outside a write transaction. */
  readonly db: Kysely<Database>;
  /**
   * Runs `fn` as one atomic unit of work and resolves only after it is committed. SQLite coalesces
   * concurrent units into one transaction (group commit, group-commit.ts); PostgreSQL gives each its own.
   * `fn` may run more than once before it commits: it must do database work only.
   */
  write<T>(fn: (trx: Trx) => Promise<T>): Promise<T>;
  /**
   * A new run and its tags in one atomic statement, outside `write` — where one statement costs less than a
   * transaction of several (PostgreSQL: each statement is a round trip). Absent: runs/create uses `write`.
   */
  insertRunWithTags?(
    run: RunsTable,
    tags: readonly { key: string; value: string; run_uuid: string }[],
  ): Promise<void>;
  /** Inserts metric history rows, silently skipping exact duplicates (spec §3.3). */
  insertMetrics(trx: Trx, rows: readonly MetricRow[]): Promise<void>;
  /** Deletes every metric point of the runs (purge), with whatever the dialect keeps about them. */
  deleteRunMetrics(trx: Trx, runIds: readonly string[]): Promise<void>;
  /**
   * Brings the dialect's own record of where metric histories live up to the rows the database holds
   * (SQLite's history segments, sqlite-metric-segments.ts); run after the migrations.
   */
  syncMetricSegments?(): Promise<void>;
  /**
   * One JSON array text of metric objects `{"key", "value", "timestamp", "step"}` built by the database
   * from `rows` (a subquery with key, value, timestamp, step, is_nan, already ordered): JSON written in C is
   * several times faster than materialising row objects in JS and stringifying them (100k points: ~50 ms vs
   * ~190 ms). NaN and ±Infinity values become strings (spec §0.3); `null` when there are no rows.
   */
  metricsJsonArray(rows: RawBuilder<unknown>): RawBuilder<string | null>;
  /**
   * JSON text built by the database for the search responses (see SearchJsonSql): JSON written in C is
   * several times faster than materialising row objects in JS and stringifying them.
   */
  runChildrenJson(): SearchJsonSql;
  /** A boolean as the column stores it: 0/1 on SQLite, true/false on PostgreSQL. */
  bool(value: boolean): boolean | number;
  isUniqueViolation(err: unknown): boolean;
  isForeignKeyViolation(err: unknown): boolean;
  /** Expression for a case-insensitive LIKE (`ILIKE` on PostgreSQL, `lower() LIKE lower()` on SQLite). */
  readonly ilike: 'ilike' | 'lower-like';
  close(): Promise<void>;
}
