/**
 * Permanent deletion (`mlflow-ts gc`): finds runs and experiments in the `deleted` stage and removes
 * their rows for good. Artifacts are the caller's business: it deletes them first, then the rows, so a
 * failure never leaves files without a record pointing at them.
 */
export interface DeletedRun {
  runId: string;
  experimentId: string;
  artifactUri: string;
  /** When it was deleted (ms); null for runs deleted by an MLflow that did not record it. */
  deletedTime: number | null;
}

export interface DeletedExperiment {
  experimentId: string;
  name: string;
  artifactLocation: string;
  /** Last update, which for a deleted experiment is when it was deleted (ms). */
  lastUpdateTime: number | null;
}

export interface PurgeStore {
  /** Deleted runs, in run id order after `afterRunId`, at most `limit`. */
  deletedRuns(query: {
    deletedBefore?: number;
    experimentIds?: string[];
    runIds?: string[];
    afterRunId?: string;
    limit: number;
  }): Promise<DeletedRun[]>;
  /** Every run of an experiment, whatever its stage (for purging the experiment). */
  runsOfExperiment(
    experimentId: string,
    afterRunId: string | undefined,
    limit: number,
  ): Promise<DeletedRun[]>;
  deletedExperiments(query: {
    deletedBefore?: number;
    experimentIds?: string[];
  }): Promise<DeletedExperiment[]>;
  /** Removes the runs with their metrics, params, tags and inputs, in one transaction. */
  purgeRuns(runIds: readonly string[]): Promise<void>;
  /** Removes an experiment that has no runs left, with its tags and datasets. */
  purgeExperiment(experimentId: string): Promise<void>;
  /** Lifecycle stage of each given run id that exists. */
  runStages(runIds: readonly string[]): Promise<Map<string, string>>;
}
