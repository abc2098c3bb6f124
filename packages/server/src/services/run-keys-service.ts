/**
 * GET /ajax-api/2.0/mlflow/experiments/run-keys — our addition, not part of MLflow's API: the distinct
 * metric, param and tag keys of all runs of the given experiments, for the web UI's column picker (it
 * must offer every key of the experiment, not only those of the runs loaded so far).
 */
import { MlflowError } from '../core/mlflow-error.ts';
import type { RunKeys, RunKeysStore } from '../store/run-keys-store.ts';

/** Keys per kind unless asked otherwise, and the most one may ask for. */
export const RUN_KEYS_DEFAULT = 1000;
export const RUN_KEYS_MAX = 10_000;
/** Experiments per request: the runs table opens a handful at once. */
export const RUN_KEYS_MAX_EXPERIMENTS = 100;

export class RunKeysService {
  constructor(private readonly store: RunKeysStore) {}

  async runKeys(req: { experiment_ids: string[]; max_keys?: string }): Promise<RunKeys> {
    if (req.experiment_ids.length === 0) throw MlflowError.missingParameter('experiment_ids');
    if (req.experiment_ids.length > RUN_KEYS_MAX_EXPERIMENTS) {
      throw MlflowError.invalidParameter(
        `At most ${RUN_KEYS_MAX_EXPERIMENTS} experiment_ids per request, got ${req.experiment_ids.length}.`,
      );
    }
    const ids = req.experiment_ids.map((id) => {
      // Experiment ids are 32-bit integers in MLflow's schema.
      const n = /^-?\d{1,10}$/.test(id) ? Number(id) : Number.NaN;
      if (!(n >= -2147483648 && n <= 2147483647)) {
        throw MlflowError.invalidParameter(`Invalid experiment ID: '${id}'`);
      }
      return n;
    });
    const limit = req.max_keys === undefined ? RUN_KEYS_DEFAULT : Number(req.max_keys);
    if (!Number.isInteger(limit) || limit < 1 || limit > RUN_KEYS_MAX) {
      throw MlflowError.invalidParameter(`max_keys must be an integer between 1 and ${RUN_KEYS_MAX}.`);
    }
    return this.store.runKeys([...new Set(ids)], limit);
  }
}
