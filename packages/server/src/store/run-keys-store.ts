/** Distinct metric, param and tag keys of experiments' runs: our addition for the web UI's column picker. */

export interface RunKeys {
  metrics: string[];
  params: string[];
  tags: string[];
  /** True when some kind had more than `limit` keys (its list is the first `limit` in key order). */
  truncated: boolean;
}

export interface RunKeysStore {
  /** Up to `limit` keys of each kind among the runs of the experiments (ids already validated). */
  runKeys(experimentIds: readonly number[], limit: number): Promise<RunKeys>;
}
