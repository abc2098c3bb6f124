import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect as KyselySqliteDialect, type RawBuilder, sql } from 'kysely';
import { MlflowError } from '../../core/mlflow-error.ts';
import type { WriteLock } from '../../write-thread/write-lock.ts';
import type { MetricRow, SearchJsonSql, SqlDialect, Trx } from './dialect.ts';
import { GroupCommitQueue } from './group-commit.ts';
import { SEGMENTS_HOLD } from './history-source.ts';
import type { Database } from './schema.ts';
import { SqliteCheckpointer } from './sqlite-checkpointer.ts';
import { groupInHistoryOrder, SqliteMetricSegments } from './sqlite-metric-segments.ts';
import { sqliteTransactionControl } from './sqlite-transaction-control.ts';
import { cachingDatabase } from './statement-cache.ts';

export interface SqliteOptions {
  /** File path, or ':memory:'. */
  path: string;
  /** `FULL` makes every commit durable on power loss; group commit keeps its cost shared. */
  synchronous?: 'NORMAL' | 'FULL';
  /** How long a write waits for another process's write lock before answering 503 (default 10 s). */
  busyTimeoutMs?: number;
  /**
   * One read-only connection and no writer: what a read thread opens on a file the server's writer
   * already set up (WAL, schema). `write` then fails.
   */
  readOnly?: boolean;
  /**
   * Bytes of the file read connections map into memory (`mmap_size`; default 1 GiB, 0: none). Reads then
   * take pages straight from the OS page cache, shared by every connection, instead of copying each page
   * into a private cache with a system call: with two read threads, runs/search went from 243 to 348
   * searches/s here. The writer connection does not map the file.
   */
  mmapBytes?: number;
  /**
   * WAL checkpoints on a thread of their own instead of inside the commit that crosses SQLite's threshold
   * (default on for a database file; see sqlite-checkpointer.ts).
   */
  checkpointThread?: boolean;
  /** Taken around every transaction, shared with the process's other writer connection (write-lock.ts). */
  writeLock?: WriteLock;
  /** How often the main connection looks for metric rows another writer added (default 5 s; 0: never). */
  segmentWatchMs?: number;
  /** The writer connection alone, for a thread that only writes (batch-writer.ts). */
  writerOnly?: boolean;
  /**
   * SQLite's foreign-key checks (default on, as MLflow sets them). Off only for a connection whose every
   * write guarantees its references itself (write-worker.ts).
   */
  foreignKeys?: boolean;
}

/** How often the main connection looks for metric rows another writer added (catchUpOtherWriters). */
const SEGMENT_WATCH_MS = 5_000;

/** Pages of WAL after which a commit checkpoints by itself (SQLite's `wal_autocheckpoint`). */
const AUTOCHECKPOINT_PAGES = 10_000;
/** The same with the checkpoint thread on: only a safety valve, should the thread fall behind. */
const AUTOCHECKPOINT_PAGES_BESIDE_THREAD = 40_000;
/** Bytes the WAL file is cut back to when it starts over (SQLite's `journal_size_limit`). */
const JOURNAL_SIZE_LIMIT = 64 * 2 ** 20;
/**
 * With the thread on, above the ~165 MB the WAL reaches before the writer's own checkpoint lets it start
 * over: the file is then reused, not cut to 64 MB and grown again each cycle — growing it (page-cache pages
 * allocated and zeroed, ext4 blocks allocated) plus the truncation were ~8 % of the writer thread under
 * log-batch (perf). The thread truncates the WAL to nothing when writes stop (sqlite-checkpointer.ts).
 */
const JOURNAL_SIZE_LIMIT_BESIDE_THREAD = 256 * 2 ** 20;

function openHandle(
  path: string,
  synchronous: string,
  busyTimeoutMs: number,
  readOnly = false,
  mmapBytes = 0,
  foreignKeys = true,
): BetterSqlite3.Database {
  const handle = new BetterSqlite3(path, { readonly: readOnly, fileMustExist: readOnly });
  // The journal mode is a property of the file, set by the writer; a read-only handle cannot change it.
  if (!readOnly) handle.pragma('journal_mode = WAL');
  handle.pragma(`synchronous = ${synchronous}`);
  // Several server processes may share the file: wait for the writer lock instead of failing at once.
  handle.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  // MLflow enforces foreign keys on SQLite (a run in a missing experiment is rejected).
  handle.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
  // MLflow's LIKE is case-sensitive on every backend (spec §4.0); SQLite's is not by default.
  handle.pragma('case_sensitive_like = ON');
  // Checkpoint every ~40 MB of WAL instead of SQLite's 4 MB: index pages that many batches touch are then
  // copied back once per checkpoint, not once per few batches (log-batch: ~150k → ~240k rows/s measured).
  handle.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
  handle.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`);
  handle.pragma('cache_size = -65536');
  handle.pragma('temp_store = MEMORY');
  if (mmapBytes > 0) handle.pragma(`mmap_size = ${Math.trunc(mmapBytes)}`);
  return handle;
}

/**
 * Metric rows go in by multi-row INSERTs: one statement execution per chunk instead of one per row, each
 * execution having a fixed cost of its own (~50 µs). Chunks are multiples of 64 rows up to 1,024 and powers
 * of two below 64 (1,000 rows: 960 + 32 + 8), so there are at most 22 prepared shapes.
 * `what-if.ts sqlite-log-batch`: ~+18 % points/s against one INSERT per row.
 */
function insertMetricChunk(left: number): number {
  if (left >= 1024) return 1024;
  return left >= 64 ? left - (left % 64) : 2 ** Math.floor(Math.log2(left));
}

/**
 * `sharedRun`: every row of the statement belongs to one run, bound once as `@run` — a log-batch request
 * names one run, and binding its id once instead of per row (a UTF-8 conversion each) took ~0.3 ms off every
 * 1,000 rows.
 *
 * `OR IGNORE` skips a point already stored, as `ON CONFLICT DO NOTHING` would; it would also skip a row
 * breaking NOT NULL or the is_nan CHECK, which these rows cannot (every column is bound, checked before:
 * integer timestamp and step, NaN stored as 0 with is_nan 1). What it changes: a statement that can no longer
 * stop half-way needs no statement journal, in which SQLite copies every page the statement touches that the
 * transaction already changed (in memory, in 1 KB pieces: ~10 % of log-batch's database time went to malloc
 * and free). A foreign key can still stop it, so that holds on the write thread's connection, which runs
 * without foreign-key checks (write-worker.ts); `what-if.ts sqlite-log-batch`: 181k → 208k points/s.
 */
const INSERT_METRIC_SQL = (rows: number, sharedRun: boolean) =>
  `INSERT OR IGNORE INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES ${Array(rows)
    .fill(sharedRun ? '(?, ?, ?, @run, ?, ?)' : '(?, ?, ?, ?, ?, ?)')
    .join(', ')}`;

export class SqliteDialect implements SqlDialect {
  readonly name = 'sqlite' as const;
  readonly ilike = 'lower-like' as const;
  readonly db: Kysely<Database>;
  private readonly writer: Kysely<Database>;
  private readonly writerHandle: BetterSqlite3.Database;
  private readonly readerHandle: BetterSqlite3.Database;
  private readonly queue: GroupCommitQueue<Trx>;
  /** By rows per statement; negative: rows of one run (`INSERT_METRIC_SQL` sharedRun). */
  private readonly insertMetric = new Map<number, BetterSqlite3.Statement>();
  private readonly checkpointer: SqliteCheckpointer | undefined;
  /** Made on first use: its statements need the tables the migrations create. */
  private segmentsOfWriter: SqliteMetricSegments | undefined;
  /** The main connection pair (not a read or write thread's) looks for other writers' metric rows. */
  private readonly watchesSegments: boolean;
  private readonly segmentWatchMs: number;
  private segmentWatch: NodeJS.Timeout | undefined;

  constructor(options: SqliteOptions) {
    const synchronous = options.synchronous ?? 'NORMAL';
    const busy = options.busyTimeoutMs ?? 10_000;
    this.watchesSegments = !options.readOnly && !options.writerOnly;
    this.segmentWatchMs = options.segmentWatchMs ?? SEGMENT_WATCH_MS;
    const mmap = options.mmapBytes ?? 1 << 30;
    this.writerHandle = openHandle(
      options.path,
      synchronous,
      busy,
      options.readOnly,
      options.readOnly ? mmap : 0,
      options.foreignKeys,
    );
    // A second connection for reads, so a read never waits behind a write transaction being assembled.
    // An in-memory database is private to its connection, so there both roles share one; a read-only
    // dialect has only the one.
    this.readerHandle =
      options.path === ':memory:' || options.readOnly || options.writerOnly
        ? this.writerHandle
        : openHandle(options.path, synchronous, busy, false, mmap);
    this.writer = new Kysely<Database>({
      dialect: new KyselySqliteDialect({ database: cachingDatabase(this.writerHandle) }),
    });
    this.db =
      this.readerHandle === this.writerHandle
        ? this.writer
        : new Kysely<Database>({
            dialect: new KyselySqliteDialect({ database: cachingDatabase(this.readerHandle) }),
          });
    const w = this.writerHandle;
    if (options.checkpointThread !== false && !options.readOnly && options.path !== ':memory:') {
      w.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES_BESIDE_THREAD}`);
      w.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT_BESIDE_THREAD}`);
      this.checkpointer = new SqliteCheckpointer(options.path, busy, (err) => {
        w.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
        w.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`);
        process.emitWarning(`SQLite checkpoint thread failed, commits checkpoint again: ${String(err)}`);
      });
    }
    const checkpointer = this.checkpointer;
    this.queue = new GroupCommitQueue<Trx>(
      sqliteTransactionControl(w, this.writer, () => checkpointer?.committed(), options.writeLock),
    );
  }

  write<T>(fn: (trx: Trx) => Promise<T>): Promise<T> {
    return this.queue.submit(fn).catch((err: unknown) => {
      // Another process held the write lock past busy_timeout: a retryable condition, not a server fault.
      const code = (err as { code?: string })?.code ?? '';
      if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
        throw new MlflowError('TEMPORARILY_UNAVAILABLE', 'The database is busy; retry the request.', {
          cause: err,
        });
      }
      throw err;
    });
  }

  /** History segments (sqlite-metric-segments.ts) of the writer connection. */
  get segments(): SqliteMetricSegments {
    this.segmentsOfWriter ??= new SqliteMetricSegments(this.writerHandle);
    return this.segmentsOfWriter;
  }

  async syncMetricSegments(): Promise<void> {
    await this.write(async () => {
      this.segments.sync();
    });
    if (this.watchesSegments && this.segmentWatchMs > 0 && !this.segmentWatch) {
      this.segmentWatch = setInterval(() => void this.catchUpOtherWriters(), this.segmentWatchMs);
      this.segmentWatch.unref();
    }
  }

  /**
   * Metric rows another process wrote (Python MLflow on the same file) are segmented by our next write;
   * until then histories are read the slower way. Without writes of ours, this brings them in.
   */
  private async catchUpOtherWriters(): Promise<void> {
    try {
      const { rows } = await sql<{ ok: number }>`SELECT ${SEGMENTS_HOLD} AS ok`.execute(this.db);
      if (rows[0]?.ok === 0) await this.syncMetricSegments();
    } catch {
      // Closing, or the database busy past busy_timeout: the next round tries again.
    }
  }

  async deleteRunMetrics(trx: Trx, runIds: readonly string[]): Promise<void> {
    // The mark must hold before the rows go, so that afterwards it can move to the new last row.
    this.segments.sync();
    await trx
      .deleteFrom('metrics')
      .where('run_uuid', 'in', [...runIds])
      .execute();
    this.segments.forgetRuns(runIds);
  }

  async insertMetrics(_trx: Trx, input: readonly MetricRow[]): Promise<void> {
    // The hot path of log-batch: prepared statements on the writer handle, which is inside the open
    // transaction of the unit calling us (better-sqlite3 is synchronous, so nothing interleaves).
    const segments = this.segments;
    const before = segments.sync();
    // Each history's points side by side in history order: one segment per history, not an index entry per point.
    const groups = groupInHistoryOrder(input);
    const rows = groups.rows;
    let inserted = 0;
    let lastRowid = 0;
    const run = rows[0]?.run_uuid;
    const sharedRun = rows.every((r) => r.run_uuid === run);
    const width = sharedRun ? 5 : 6;
    for (let at = 0; at < rows.length; ) {
      const size = insertMetricChunk(rows.length - at);
      const shape = sharedRun ? -size : size;
      let stmt = this.insertMetric.get(shape);
      if (!stmt) {
        stmt = this.writerHandle.prepare(INSERT_METRIC_SQL(size, sharedRun));
        this.insertMetric.set(shape, stmt);
      }
      const args = new Array<unknown>(size * width);
      for (let i = 0, o = 0; i < size; i++, o += width) {
        const r = rows[at + i]!;
        args[o] = r.key;
        args[o + 1] = r.value;
        args[o + 2] = r.timestamp;
        // The run's column only when it is bound per row.
        const tail = sharedRun ? o + 3 : o + 4;
        if (!sharedRun) args[o + 3] = r.run_uuid;
        args[tail] = r.step;
        args[tail + 1] = r.is_nan ? 1 : 0;
      }
      const info = sharedRun ? stmt.run(args, { run }) : stmt.run(args);
      inserted += info.changes;
      if (info.changes > 0) lastRowid = Number(info.lastInsertRowid);
      at += size;
    }
    segments.record(groups, before, inserted, lastRowid);
  }

  metricsJsonArray(rows: RawBuilder<unknown>): RawBuilder<string | null> {
    // SQLite keeps the subquery's order when aggregating; its JSON doubles round-trip exactly. ±Infinity
    // (which MLflow clamps on write, but another writer may store) would come out as 9.0e+999.
    return sql<string | null>`SELECT json_group_array(json_object(
      'key', r.key, 'value', CASE WHEN r.is_nan THEN 'NaN' WHEN r.value = 9e999 THEN 'Infinity'
        WHEN r.value = -9e999 THEN '-Infinity' ELSE r.value END,
      'timestamp', r.timestamp, 'step', r.step))
      FROM (${rows}) AS r HAVING count(*) > 0`;
  }

  runChildrenJson(): SearchJsonSql {
    // Children come in rowid (written) order: each subquery walks its table's run_uuid index.
    return {
      metrics: sql<string | null>`(SELECT json_group_array(json_object('key', m.key,
        'value', CASE WHEN m.is_nan THEN 'NaN' WHEN m.value = 9e999 THEN 'Infinity'
          WHEN m.value = -9e999 THEN '-Infinity' ELSE m.value END,
        'timestamp', coalesce(m.timestamp, 0), 'step', m.step))
        FROM latest_metrics m WHERE m.run_uuid = runs.run_uuid)`,
      params: sql<string | null>`(SELECT json_group_array(json_object('key', p.key, 'value', p.value))
        FROM params p WHERE p.run_uuid = runs.run_uuid)`,
      tags: sql<string | null>`(SELECT json_group_array(json_object('key', t.key,
        'value', coalesce(t.value, ''))) FROM tags t WHERE t.run_uuid = runs.run_uuid)`,
      quote: (text) => sql<string | null>`json_quote(${text})`,
    };
  }

  bool(value: boolean): boolean | number {
    return value ? 1 : 0;
  }

  isUniqueViolation(err: unknown): boolean {
    const code = (err as { code?: string })?.code;
    return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
  }

  isForeignKeyViolation(err: unknown): boolean {
    return (err as { code?: string })?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
  }

  async close(): Promise<void> {
    clearInterval(this.segmentWatch);
    await this.checkpointer?.close();
    await this.db.destroy();
    if (this.db !== this.writer) await this.writer.destroy();
  }
}
