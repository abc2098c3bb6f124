/**
 * Checks done before a metric is queued. A queued point is sent later together with up to 999 others, and
 * the server rejects the whole request for one bad point (spec §1.2 log-batch), so a bad key or value must
 * fail at the call site, synchronously, instead of taking its neighbours down with it.
 */
import { LIMITS } from '@mlflow-ts/protocol';

/** MLflow's key rule `^[/\w.\- :]*$` with Unicode `\w` (spec §3.1). */
const KEY_CHARS = /^[/\p{L}\p{M}\p{N}\p{Pc}.\- :]*$/u;

/** Throws a TypeError naming the problem when `key` would be rejected by the server. */
export function validateKey(key: string, what = 'key'): void {
  if (typeof key !== 'string' || key === '') throw new TypeError(`${what} must be a non-empty string`);
  if (key.length > LIMITS.entityKeyLength) {
    throw new TypeError(`${what} '${key.slice(0, 40)}…' exceeds ${LIMITS.entityKeyLength} characters`);
  }
  if (!KEY_CHARS.test(key)) {
    throw new TypeError(
      `${what} '${key}' may only contain letters, digits, underscores, dashes, periods, spaces, colons and slashes`,
    );
  }
  // The server wants keys that are already normalised paths (posixpath.normpath(key) == key).
  const segments = key.split('/');
  if (
    key.startsWith('/') ||
    key.startsWith('..') ||
    key.endsWith('/') ||
    segments.some((s) => s === '' || s === '.' || s === '..')
  ) {
    throw new TypeError(`${what} '${key}' is not a normalised relative path`);
  }
}

export function validateMetric(key: string, value: unknown, timestamp: number, step: number): void {
  validateKey(key, 'metric key');
  if (typeof value !== 'number')
    throw new TypeError(`metric '${key}' value must be a number, got ${typeof value}`);
  if (!Number.isInteger(timestamp) || timestamp < 0) {
    throw new TypeError(`metric '${key}' timestamp must be a non-negative integer (ms), got ${timestamp}`);
  }
  if (!Number.isInteger(step)) throw new TypeError(`metric '${key}' step must be an integer, got ${step}`);
}
