/**
 * The one error type of the models package. `code` and `status` follow MLflow's scoring server (spec §6.4):
 * malformed input → BAD_REQUEST 400, schema enforcement → INVALID_PARAMETER_VALUE 400. Where MLflow answers
 * 500 for a user mistake (a missing column) we answer 400: clients retry 5xx (spec §13.4).
 */
export type ModelErrorCode =
  | 'BAD_REQUEST'
  | 'INVALID_PARAMETER_VALUE'
  | 'RESOURCE_DOES_NOT_EXIST'
  | 'INVALID_STATE'
  | 'INTERNAL_ERROR';

const STATUS: Record<ModelErrorCode, number> = {
  BAD_REQUEST: 400,
  INVALID_PARAMETER_VALUE: 400,
  RESOURCE_DOES_NOT_EXIST: 404,
  INVALID_STATE: 500,
  INTERNAL_ERROR: 500,
};

export class ModelError extends Error {
  readonly code: ModelErrorCode;
  readonly status: number;
  /** Sent as `stack_trace` when the model's own code failed (MLflow does the same, spec §6.4). */
  readonly stackTrace: string | undefined;

  constructor(code: ModelErrorCode, message: string, options: { cause?: unknown; stackTrace?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ModelError';
    this.code = code;
    this.status = STATUS[code];
    this.stackTrace = options.stackTrace;
  }

  toJSON(): { error_code: string; message: string; stack_trace?: string } {
    return this.stackTrace === undefined
      ? { error_code: this.code, message: this.message }
      : { error_code: this.code, message: this.message, stack_trace: this.stackTrace };
  }
}

export const badRequest = (message: string) => new ModelError('BAD_REQUEST', message);
export const invalidParameter = (message: string) => new ModelError('INVALID_PARAMETER_VALUE', message);
