/** Model registry input rules (spec §1.4, §3.1, §3.4) with MLflow's error messages (errors.jsonl). */
import { LIMITS, MODEL_VERSION_STAGES, type ModelVersionStage } from '@mlflow-ts/protocol';
import { MlflowError } from './mlflow-error.ts';
import { posixNormpath, validateKey, validateLength } from './validation.ts';

const invalid = MlflowError.invalidParameter;

/** Versions travel as strings; they must parse as an integer (Python's `int()`, so " 3" is fine). */
export function parseModelVersion(version: string): number {
  const trimmed = version.trim();
  if (!/^[+-]?\d+$/.test(trimmed)) throw invalid(`Model version must be an integer, got '${version}'`);
  const n = Number(trimmed);
  // The column is an INTEGER; anything beyond it cannot exist (and must not reach PostgreSQL as int4).
  if (!Number.isSafeInteger(n) || n > 2147483647 || n < -2147483648) {
    throw invalid(`Model version must be an integer, got '${version}'`);
  }
  return n;
}

const STAGE_BY_LOWER = new Map(MODEL_VERSION_STAGES.map((s) => [s.toLowerCase(), s]));

/** Stage names are case-insensitive on input and canonical on output. */
export function canonicalStage(stage: string): ModelVersionStage {
  const found = STAGE_BY_LOWER.get(stage.toLowerCase());
  if (!found) {
    throw invalid(
      `Invalid Model Version stage: ${stage}. Value must be one of ${MODEL_VERSION_STAGES.join(', ')}.`,
    );
  }
  return found;
}

/** Only Staging and Production may archive the versions already there (spec §1.4). */
export function checkArchiveExisting(stage: ModelVersionStage, archiveExisting: boolean): void {
  if (archiveExisting && stage !== 'Staging' && stage !== 'Production') {
    // MLflow answers 500 INTERNAL_ERROR here, which its client retries; a 400 is the honest answer.
    throw invalid(
      `Model version transition cannot archive existing model versions because '${stage}' is not an Active stage. Valid stages are Staging, Production`,
    );
  }
}

const ALIAS_PATTERN = /^[\p{L}\p{M}\p{N}\p{Pc}-]*$/u;
const ALIAS_MAX_LENGTH = 255;

export function validateAlias(alias: string): void {
  if (!ALIAS_PATTERN.test(alias)) {
    throw invalid(
      `Invalid alias name: '${alias}'. Names may only contain alphanumerics, underscores (_), and dashes (-).`,
    );
  }
  if (alias.length > ALIAS_MAX_LENGTH) {
    throw invalid(
      `Alias name '${alias.slice(0, 250)}' exceeds the maximum length of ${ALIAS_MAX_LENGTH} characters.`,
    );
  }
  if (alias.toLowerCase() === 'latest') throw invalid("'latest' alias name (case insensitive) is reserved.");
  if (/^[vV]\d+$/.test(alias)) throw invalid(`Version alias name '${alias}' is reserved.`);
}

/** `entity` is MLflow's label: "Registered model" or "Model version". */
export function validateRegistryTag(
  entity: 'Registered model' | 'Model version',
  key: string,
  value: string,
) {
  if (!key) throw MlflowError.missingParameter('key');
  validateKey('tag', key);
  validateLength(`${entity} key`, key, LIMITS.entityKeyLength);
  validateLength(`${entity} value`, value, LIMITS.registryTagValueLength);
}

export function validateRegisteredModelName(name: string | undefined, field = 'name'): string {
  if (!name) throw MlflowError.missingParameter(field);
  return name;
}

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;

/** A source with no URI scheme, or a `file:` URI, names a path on the server's disk. */
export function isLocalSource(source: string): boolean {
  const scheme = SCHEME.exec(source)?.[1]?.toLowerCase();
  return scheme === undefined || scheme === 'file';
}

/** `file:///a/b` → `/a/b`; a plain path stays as it is. */
export function localSourcePath(source: string): string {
  if (!source.toLowerCase().startsWith('file:')) return source;
  try {
    return decodeURIComponent(new URL(source).pathname);
  } catch {
    throw invalidSource(source);
  }
}

function invalidSource(source: string): MlflowError {
  return invalid(
    `Invalid model version source: '${source}'. To use a local path as a model version source, the run_id request parameter has to be specified and the local path has to be contained within the artifact directory of the run specified by the run_id.`,
  );
}

export { invalidSource as invalidLocalSource };

/**
 * Remote sources (spec §3.4): after repeated URL-decoding there must be no `..` segment and no NUL, and
 * the path must already be normal — so a source can never point outside what it names.
 */
export function checkRemoteSource(source: string): void {
  let decoded = source;
  for (let i = 0; i < 10; i++) {
    let next: string;
    try {
      next = decodeURIComponent(decoded);
    } catch {
      break;
    }
    if (next === decoded) break;
    decoded = next;
  }
  const path = decoded.replace(SCHEME, '').replace(/^\/\/[^/]*/, '');
  const segments = path.split('/');
  const normal = path === '' || posixNormpath(path) === path.replace(/\/+$/, '') || path === '/';
  if (decoded.includes('\0') || segments.includes('..') || !normal) {
    throw invalid(
      `Invalid model version source: '${source}'. The source must not contain '..' or be unnormalised.`,
    );
  }
}
