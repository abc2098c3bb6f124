/**
 * Artifact path safety (spec §3.5): every path a client names is checked here before any storage sees it.
 * The checks run on the path and on each further URL-decoding of it (up to 10 rounds), so that `%2e%2e`,
 * `%252e%252e` and friends are caught however often they were encoded. Rejected: `..` segments, absolute
 * POSIX or Windows paths (drive letters, UNC), backslashes, `#`, NUL. The message is MLflow's ("Invalid
 * path"), recorded in artifacts.jsonl seq 57/58.
 */
import { MlflowError } from '../core/mlflow-error.ts';

const MAX_DECODE_ROUNDS = 10;

function invalid(): MlflowError {
  return MlflowError.invalidParameter('Invalid path');
}

function unsafe(candidate: string): boolean {
  if (candidate.includes('\0') || candidate.includes('\\') || candidate.includes('#')) return true;
  if (candidate.startsWith('/') || /^[A-Za-z]:/.test(candidate)) return true;
  return candidate.split('/').some((segment) => segment === '..');
}

/**
 * The validated form of a client-supplied relative path: segments joined by '/', without empty or '.'
 * segments ('' is the root). `raw` is the path after the one URL-decoding HTTP itself implies.
 */
export function normalizeArtifactPath(raw: string | undefined): string {
  if (raw === undefined || raw === '') return '';
  let candidate = raw;
  for (let round = 0; round <= MAX_DECODE_ROUNDS; round++) {
    if (unsafe(candidate)) throw invalid();
    let next: string;
    try {
      next = decodeURIComponent(candidate);
    } catch {
      break; // a stray '%' is a literal character, not an encoding
    }
    if (next === candidate) break;
    candidate = next;
  }
  return raw
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.')
    .join('/');
}

/** A repository's own check of a path it is given (defence in depth; callers normalised it already). */
export function assertRelativeArtifactPath(path: string): void {
  if (path !== '' && (unsafe(path) || path.split('/').some((s) => s === '' || s === '.'))) throw invalid();
}
