/**
 * Our additions to MLflow's schema: indexes only, each created IF NOT EXISTS so the list can be re-applied
 * at every start (Python MLflow's own migrations may rebuild a table and drop an index it does not know).
 * Python MLflow ignores indexes it did not create, so a database stays openable by both servers.
 */
export interface AdditiveMigration {
  name: string;
  statements: readonly string[];
}

export const ADDITIVE_MIGRATIONS: readonly AdditiveMigration[] = [
  {
    // get-history and get-history-bulk-interval read one (run, key) in step order; MLflow's own indexes
    // start with `key` or hold only `run_uuid`, so a long history was a scan of every metric of the run.
    name: '0001_metric_history_index',
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
];
