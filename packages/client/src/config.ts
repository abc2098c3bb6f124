/**
 * The process-wide tracking URI and the client settings read from MLflow's environment variables. All
 * environment reads of the SDK happen here, through the context provider.
 */
import { getContextProvider } from './context.ts';
import type { RestClientOptions } from './rest-client.ts';

/** MLflow's usual local server address; Python defaults to a local file store, which we cannot write. */
export const DEFAULT_TRACKING_URI = 'http://127.0.0.1:5000';

let trackingUri: string | undefined;

export function setTrackingUri(uri: string): void {
  trackingUri = uri;
}

/** The URI set by setTrackingUri, else `MLFLOW_TRACKING_URI`, else http://127.0.0.1:5000. */
export function getTrackingUri(): string {
  return trackingUri ?? getContextProvider().env('MLFLOW_TRACKING_URI') ?? DEFAULT_TRACKING_URI;
}

function envNumber(name: string): number | undefined {
  const raw = getContextProvider().env(name);
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Fills unset client options from the environment, with Python's variable names and units
 * (`MLFLOW_HTTP_REQUEST_TIMEOUT` and `..._BACKOFF_FACTOR` are seconds). Explicit options win.
 */
export function resolveClientOptions(opts: Partial<RestClientOptions> = {}): RestClientOptions {
  const env = getContextProvider().env;
  const timeout = envNumber('MLFLOW_HTTP_REQUEST_TIMEOUT');
  const backoff = envNumber('MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR');
  const fromEnv = definedOnly({
    username: env('MLFLOW_TRACKING_USERNAME'),
    password: env('MLFLOW_TRACKING_PASSWORD'),
    token: env('MLFLOW_TRACKING_TOKEN'),
    maxRetries: envNumber('MLFLOW_HTTP_REQUEST_MAX_RETRIES'),
    timeoutMs: timeout === undefined ? undefined : timeout * 1000,
    backoffMs: backoff === undefined ? undefined : backoff * 1000,
  });
  return { ...fromEnv, ...definedOnly(opts), trackingUri: opts.trackingUri ?? getTrackingUri() };
}
