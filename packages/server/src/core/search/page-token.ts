/**
 * Search page tokens (spec §3.2): standard base64 of the UTF-8 JSON text `{"offset": N}` — with the
 * space Python's json.dumps puts after the colon, so our tokens are byte-identical to MLflow's
 * (offset 100 ⇒ `eyJvZmZzZXQiOiAxMDB9`). Clients treat them as opaque.
 */
import { MlflowError } from '../mlflow-error.ts';

const invalid = (message: string): MlflowError => MlflowError.invalidParameter(message);

export function encodePageToken(offset: number): string {
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new RangeError(`page token offset must be a non-negative integer, got ${offset}`);
  }
  return Buffer.from(`{"offset": ${offset}}`, 'utf8').toString('base64');
}

/**
 * Python's lenient `base64.b64decode`: characters outside the alphabet are discarded, then the data
 * must be correctly padded. Returns undefined where Python raises binascii.Error.
 */
function pythonBase64Decode(token: string): Buffer | undefined {
  const cleaned = token.replace(/[^A-Za-z0-9+/=]/g, '');
  if (cleaned.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(cleaned)) return undefined;
  return Buffer.from(cleaned, 'base64');
}

/**
 * Decodes a page token into a row offset (SearchUtils.parse_start_offset_from_page_token).
 * Absent or empty ⇒ 0. A malformed token ⇒ INVALID_PARAMETER_VALUE (errors.jsonl: `garbage` ⇒
 * "Invalid page token, could not base64-decode").
 *
 * Divergence: MLflow rejects `{"offset": 0}` (it tests the offset for truthiness); we accept it, since
 * it denotes the first page. Negative and non-integer offsets are rejected (MLflow would pass a
 * negative one on to SQL).
 */
export function decodePageToken(token: string | undefined): number {
  if (!token) return 0;
  const bytes = pythonBase64Decode(token);
  if (bytes === undefined) throw invalid('Invalid page token, could not base64-decode');
  const text = bytes.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid(`Invalid page token, decoded value=${text}`);
  }
  const offset =
    typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>).offset
      : undefined;
  if (offset === undefined || offset === null || offset === '' || offset === false) {
    throw invalid(`Invalid page token, parsed value=${text}`);
  }
  // Python's int(): an integer, or a string of decimal digits (surrounding whitespace allowed).
  const value =
    typeof offset === 'number'
      ? offset
      : typeof offset === 'string' && /^\s*[+-]?\d+\s*$/.test(offset)
        ? Number(offset)
        : Number.NaN;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw invalid(
      `Invalid page token, not stringable ${typeof offset === 'string' ? offset : JSON.stringify(offset)}`,
    );
  }
  return value;
}
