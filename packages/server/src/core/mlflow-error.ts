import { type ErrorCode, httpStatusFor } from '@mlflow-ts/protocol';

/**
 * The one error type core, store and services throw. The HTTP layer turns it into MLflow's error JSON
 * with the status of its code (spec §0.4).
 */
export class MlflowError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MlflowError';
    this.code = code;
  }

  get httpStatus(): number {
    return httpStatusFor(this.code);
  }

  static invalidParameter(message: string): MlflowError {
    return new MlflowError('INVALID_PARAMETER_VALUE', message);
  }

  /** MLflow's wording for an absent or empty required field (spec §0.2). */
  static missingParameter(name: string): MlflowError {
    return new MlflowError(
      'INVALID_PARAMETER_VALUE',
      `Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`,
    );
  }

  static notFound(message: string): MlflowError {
    return new MlflowError('RESOURCE_DOES_NOT_EXIST', message);
  }

  static alreadyExists(message: string): MlflowError {
    return new MlflowError('RESOURCE_ALREADY_EXISTS', message);
  }
}
