/** Errors as a server thread posts them to the main thread, and back into the errors they were. */
import type { ErrorCode } from '@mlflow-ts/protocol';
import { MlflowError } from '../core/mlflow-error.ts';
import { type ParamConflict, ParamConflictError } from '../core/param-conflict.ts';

export interface WireError {
  /** MLflow error code of an MlflowError; absent for unexpected failures. */
  code?: ErrorCode;
  message: string;
  /** Set when params conflicted: the service picks the wording from the rebuilt ParamConflictError. */
  paramConflict?: { runId: string; conflicts: ParamConflict[] };
}

export function toWireError(err: unknown): WireError {
  if (err instanceof ParamConflictError) {
    return {
      code: err.code,
      message: err.message,
      paramConflict: { runId: err.runId, conflicts: err.conflicts },
    };
  }
  if (err instanceof MlflowError) return { code: err.code, message: err.message };
  return { message: err instanceof Error ? err.message : String(err) };
}

export function fromWireError(error: WireError): Error {
  if (error.paramConflict) {
    return new ParamConflictError(error.paramConflict.runId, error.paramConflict.conflicts);
  }
  return error.code ? new MlflowError(error.code, error.message) : new Error(error.message);
}
