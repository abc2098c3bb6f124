/** MLflow's input rules for keys, values and batches (spec §3.1), with its error messages. */
import { LIMITS } from '@mlflow-ts/protocol';
import { MlflowError } from './mlflow-error.ts';

// Python's `\w` is Unicode-aware: letters, marks, digits and connector punctuation.
const KEY_PATTERN = /^[/\p{L}\p{M}\p{N}\p{Pc}.\- :]*$/u;

/** `posixpath.normpath`, which MLflow uses to reject keys that would alias another key as a file path. */
export function posixNormpath(path: string): string {
  if (path === '') return '.';
  const initialSlashes = path.startsWith('//') && !path.startsWith('///') ? 2 : path.startsWith('/') ? 1 : 0;
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..' || (initialSlashes === 0 && parts.length === 0) || parts.at(-1) === '..')
      parts.push(part);
    else if (parts.length > 0) parts.pop();
  }
  const joined = '/'.repeat(initialSlashes) + parts.join('/');
  return joined === '' ? '.' : joined;
}

/** A required request field: absent, null or empty is MLflow's "Missing value for required parameter" (§0.2). */
export function required<T>(value: T | undefined | null | '', name: string): T {
  if (value === undefined || value === null || value === '') throw MlflowError.missingParameter(name);
  return value;
}

export type KeyKind = 'metric' | 'parameter' | 'tag';

export function validateKey(kind: KeyKind, key: string): void {
  if (!KEY_PATTERN.test(key)) {
    throw MlflowError.invalidParameter(
      `Invalid ${kind} name: '${key}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).`,
    );
  }
  const norm = posixNormpath(key);
  if (norm !== key || norm === '.' || norm.startsWith('..') || norm.startsWith('/')) {
    throw MlflowError.invalidParameter(
      `Invalid ${kind} name: '${key}'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '${norm}'`,
    );
  }
}

/** `label` is MLflow's wording, e.g. "Param key", "Tag value". */
export function validateLength(label: string, value: string, limit: number): void {
  if (value.length > limit) {
    throw MlflowError.invalidParameter(
      // MLflow quotes only the first 250 characters of the value.
      `${label} '${value.slice(0, 250)}' had length ${value.length}, which exceeded length limit of ${limit}`,
    );
  }
}

export function validateMetricKey(key: string): void {
  validateKey('metric', key);
  validateLength('Metric key', key, LIMITS.entityKeyLength);
}

export function validateMetric(key: string, value: number, timestamp: number, step: number): void {
  validateMetricKey(key);
  validateMetricPoint(key, value, timestamp, step);
}

/** The value, timestamp and step of a point whose key was already checked. */
export function validateMetricPoint(key: string, value: number, timestamp: number, step: number): void {
  if (typeof value !== 'number') {
    throw MlflowError.invalidParameter(
      `Got invalid value ${value} for metric '${key}' (timestamp=${timestamp}).`,
    );
  }
  if (!Number.isInteger(timestamp) || timestamp < 0) {
    throw MlflowError.invalidParameter(
      `Got invalid timestamp ${timestamp} for metric '${key}' (value=${value}). Timestamp must be a nonnegative long (64-bit integer) `,
    );
  }
  if (!Number.isInteger(step)) {
    throw MlflowError.invalidParameter(
      `Got invalid step ${step} for metric '${key}' (value=${value}). Step must be a valid long (64-bit integer).`,
    );
  }
}

export function validateParam(key: string, value: string): void {
  validateKey('parameter', key);
  validateLength('Param key', key, LIMITS.entityKeyLength);
  validateLength('Param value', value, LIMITS.paramValueLength);
}

/** Run tags: MLflow 2.9's column is VARCHAR(5000), so longer values are refused rather than truncated. */
export function validateRunTag(key: string, value: string): void {
  validateKey('tag', key);
  validateLength('Tag key', key, LIMITS.entityKeyLength);
  validateLength('Tag value', value, LIMITS.experimentTagValueLength);
}

export function validateExperimentTag(key: string, value: string): void {
  validateKey('tag', key);
  validateLength('Tag key', key, LIMITS.entityKeyLength);
  validateLength('Tag value', value, LIMITS.experimentTagValueLength);
}

export function validateExperimentName(name: string): void {
  if (name.length > 256) {
    // The column is VARCHAR(256) (PostgreSQL enforces it), although MLflow's own check says 500.
    throw MlflowError.invalidParameter(
      `Experiment name '${name}' had length ${name.length}, which exceeded length limit of 256`,
    );
  }
}

const RUN_ID_PATTERN = /^[a-zA-Z0-9][\w-]{0,255}$/;

export function validateRunId(runId: string): void {
  if (!RUN_ID_PATTERN.test(runId)) throw MlflowError.invalidParameter(`Invalid run ID: '${runId}'`);
}

export function validateBatchLimits(metrics: number, params: number, tags: number): void {
  const check = (count: number, limit: number, what: string) => {
    if (count > limit) {
      throw MlflowError.invalidParameter(
        `A batch logging request can contain at most ${limit} ${what}. Got ${count} ${what}. Please split up ${what} across multiple requests and try again.`,
      );
    }
  };
  check(metrics, LIMITS.batchMetrics, 'metrics');
  check(params, LIMITS.batchParams, 'params');
  check(tags, LIMITS.batchTags, 'tags');
  const total = metrics + params + tags;
  if (total > LIMITS.batchTotal) {
    throw MlflowError.invalidParameter(
      `A batch logging request can contain at most ${LIMITS.batchTotal} metrics, params, and tags in total. Got ${total}. Please split up the data across multiple requests and try again.`,
    );
  }
}

export function validateNoDuplicateParamKeys(keys: readonly string[]): void {
  const seen = new Set<string>();
  const dups = new Set<string>();
  for (const k of keys) (seen.has(k) ? dups : seen).add(k);
  if (dups.size > 0) {
    throw MlflowError.invalidParameter(
      `Duplicate parameter keys have been submitted: [${[...dups].map((k) => `'${k}'`).join(', ')}]. Please ensure the request contains only one param value per param key.`,
    );
  }
}
