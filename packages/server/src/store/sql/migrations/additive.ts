import { SEGMENT_STATEMENTS } from '../sqlite-metric-segments.ts';

/**
 * Our additions to MLflow's schema: indexes and tables of our own (prefixed `mlflow_ts_`), each created IF NOT EXISTS so the list can be re-applied
 * at every start (Python MLflow's own migrations may rebuild a table and drop an index it does not know).
 * Python MLflow ignores indexes it did not create, so a database stays openable by both servers.
 */
export interface AdditiveMigration {
  name: string;
  statements: readonly string[];
  /** Only on this backend (default: both). */
  only?: 'sqlite' | 'postgres';
}

export const ADDITIVE_MIGRATIONS: readonly AdditiveMigration[] = [
  {
    // get-history and get-history-bulk-interval read one (run, key) in step order; MLflow's own indexes
    // start with `key` or hold only `run_uuid`, so a long history was a scan of every metric of the run.
    // SQLite reads histories through segments instead (0006, 0007).
    name: '0001_metric_history_index',
    only: 'postgres',
    statements: [
      'CREATE INDEX IF NOT EXISTS mlflow_ts_metrics_run_key_step ON metrics (run_uuid, key, step, timestamp, value, is_nan)',
    ],
  },
  {
    // runs/search filters and orders by latest metric values and lists an experiment's runs by start time.
    name: '0002_search_indexes',
    statements: [
      'CREATE INDEX IF NOT EXISTS mlflow_ts_latest_metrics_key_value ON latest_metrics (key, value, run_uuid)',
      'CREATE INDEX IF NOT EXISTS mlflow_ts_runs_experiment_start ON runs (experiment_id, start_time, run_uuid)',
    ],
  },
  {
    // Webhooks and their delivery log. Deliveries are rows, not timers, so they survive a restart and
    // several server processes can share the work (a delivery is claimed before it is sent).
    name: '0003_webhooks',
    statements: [
      `CREATE TABLE IF NOT EXISTS mlflow_ts_webhooks (
        webhook_id VARCHAR(36) NOT NULL PRIMARY KEY,
        name VARCHAR(256) NOT NULL,
        description VARCHAR(1000),
        url VARCHAR(2048) NOT NULL,
        events VARCHAR(4000) NOT NULL,
        secret VARCHAR(1000),
        status VARCHAR(16) NOT NULL,
        creation_time BIGINT NOT NULL,
        last_updated_time BIGINT NOT NULL)`,
      `CREATE TABLE IF NOT EXISTS mlflow_ts_webhook_deliveries (
        delivery_id VARCHAR(36) NOT NULL PRIMARY KEY,
        webhook_id VARCHAR(36) NOT NULL,
        event VARCHAR(64) NOT NULL,
        payload TEXT NOT NULL,
        status VARCHAR(16) NOT NULL,
        attempts INTEGER NOT NULL,
        next_attempt_time BIGINT,
        last_status_code INTEGER,
        last_error VARCHAR(2000),
        creation_time BIGINT NOT NULL,
        last_updated_time BIGINT NOT NULL)`,
      'CREATE INDEX IF NOT EXISTS mlflow_ts_webhook_deliveries_due ON mlflow_ts_webhook_deliveries (status, next_attempt_time)',
      'CREATE INDEX IF NOT EXISTS mlflow_ts_webhook_deliveries_hook ON mlflow_ts_webhook_deliveries (webhook_id, creation_time)',
    ],
  },
  {
    // MLflow's registry tag keys start with the tag key, so loading the tags of a page of models or
    // versions scanned the whole tag table (48 ms for 100 versions out of 10,000).
    name: '0004_registry_tag_indexes',
    statements: [
      'CREATE INDEX IF NOT EXISTS mlflow_ts_model_version_tags_version ON model_version_tags (name, version)',
      'CREATE INDEX IF NOT EXISTS mlflow_ts_registered_model_tags_name ON registered_model_tags (name)',
    ],
  },
  {
    // runs/search sorted by a metric reads the best values first (search-runs-sql.ts windowedSearch);
    // NaN values sort apart, so is_nan comes before value.
    name: '0005_latest_metrics_order_index',
    statements: [
      'CREATE INDEX IF NOT EXISTS mlflow_ts_latest_metrics_key_nan_value ON latest_metrics (key, is_nan, value, run_uuid)',
    ],
  },
  {
    // Where each metric history lives in the metrics table, by rowid range (sqlite-metric-segments.ts).
    name: '0006_sqlite_metric_segments',
    only: 'sqlite',
    statements: SEGMENT_STATEMENTS,
  },
  {
    // With segments, the history index was a fourth B-tree for every metric row that nothing reads;
    // log-batch ran ~60 % faster without it (bench/RESULTS.md).
    name: '0007_sqlite_drop_metric_history_index',
    only: 'sqlite',
    statements: ['DROP INDEX IF EXISTS mlflow_ts_metrics_run_key_step'],
  },
];
