import { MlflowError } from './mlflow-error.ts';

export interface ParamConflict {
  key: string;
  oldValue: string;
  newValue: string;
}

/**
 * Params are immutable (spec §3.4). MLflow words the error differently for log-batch (all conflicts, as a
 * list) and for log-parameter (the one conflict); the store raises this, the service picks the wording.
 */
export class ParamConflictError extends MlflowError {
  constructor(
    readonly runId: string,
    readonly conflicts: ParamConflict[],
  ) {
    const list = conflicts.map(
      (c) => `{'key': '${c.key}', 'old_value': '${c.oldValue}', 'new_value': '${c.newValue}'}`,
    );
    super(
      'INVALID_PARAMETER_VALUE',
      `Changing param values is not allowed. Params were already logged='[${list.join(', ')}]' for run ID='${runId}'.`,
    );
  }

  /** log-parameter's wording for its single param. */
  singleParamError(): MlflowError {
    const c = this.conflicts[0]!;
    return MlflowError.invalidParameter(
      `Changing param values is not allowed. Param with key='${c.key}' was already logged with value='${c.oldValue}' for run ID='${this.runId}'. Attempted logging new value '${c.newValue}'.`,
    );
  }
}
