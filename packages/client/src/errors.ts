/** Errors the SDK throws. One class per failure kind a caller may want to tell apart. */

/** An error answer from the tracking server (spec §0.4): `{"error_code", "message"}` plus its HTTP status. */
export class MlflowApiError extends Error {
  override readonly name = 'MlflowApiError';
  /** MLflow's code name, e.g. `RESOURCE_DOES_NOT_EXIST`; derived from the status for non-JSON bodies. */
  readonly errorCode: string;
  readonly httpStatus: number;
  /** The RPC that failed (`createRun`, ...), or the raw path for low-level requests. */
  readonly rpc: string | undefined;

  constructor(errorCode: string, message: string, httpStatus: number, rpc?: string) {
    super(message);
    this.errorCode = errorCode;
    this.httpStatus = httpStatus;
    this.rpc = rpc;
  }
}

/**
 * Metric points the background logger could not deliver after its retries. Raised by `flush()`/`endRun()`
 * so that an awaited flush never reports success for points that were dropped.
 */
export class MetricDeliveryError extends Error {
  override readonly name = 'MetricDeliveryError';
  /** How many metric points were lost. */
  readonly lostPoints: number;
  readonly runIds: readonly string[];

  constructor(lostPoints: number, runIds: readonly string[], cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`${lostPoints} metric point(s) for run(s) ${runIds.join(', ')} could not be logged: ${why}`, {
      cause,
    });
    this.lostPoints = lostPoints;
    this.runIds = runIds;
  }
}

/** True when `err` is an API error with the given code (e.g. to map RESOURCE_DOES_NOT_EXIST to null). */
export function isApiError(err: unknown, code?: string): err is MlflowApiError {
  return err instanceof MlflowApiError && (code === undefined || err.errorCode === code);
}

/** The server could not be reached (refused, reset, DNS, timeout) even after the allowed retries. */
export class MlflowNetworkError extends Error {
  override readonly name = 'MlflowNetworkError';
  readonly url: string;
  readonly attempts: number;

  constructor(method: string, url: string, attempts: number, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    // fetch's own message is just "fetch failed"; the cause usually names the socket error.
    const detail = cause instanceof Error && cause.cause instanceof Error ? ` (${cause.cause.message})` : '';
    super(`${method} ${url} failed after ${attempts} attempt(s): ${why}${detail}`, { cause });
    this.url = url;
    this.attempts = attempts;
  }
}
