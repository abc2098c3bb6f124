// Compares a recorded JSON body with ours, by the replay rules of the wire README:
// - exact, except at the line's `varying` pointers, where only the JSON type/shape is compared (a 32-hex
//   run id must still be a 32-hex run id, an `mlflow-artifacts:/` URI must differ only in its run id);
// - arrays of `{key, ...}` objects (tags, params, metrics, metric history) and dataset inputs in any
//   order: SQL gives no order guarantee for them;
// - error `message`: exact, except messages that print a Python set (element order changes between
//   server processes: compared as sets) or embed a raw SQL/driver error (never mirrored: any text).
import { formatPointer, patternCovers } from './replay-format.ts';

export interface Difference {
  pointer: string;
  expected: unknown;
  actual: unknown;
  note?: string;
}

export interface CompareContext {
  /** Body-relative `varying` patterns, as segments (`*` = any index). */
  varying: readonly (readonly string[])[];
  /**
   * Rewrites a recorded string with the values our server produced in their place (ids, tokens);
   * `field` is the JSON member holding it (for array items, the array's name).
   */
  translate(value: string, field: string): string;
}

const RUN_ID = /^[0-9a-f]{32}$/;
const RUN_ID_ANYWHERE = /[0-9a-f]{32}/g;
/** SQLAlchemy / driver error text that MLflow passes through in messages; we never mirror it. */
const DRIVER_ERROR = /\[SQL: |\(sqlite3\.|\(psycopg2\.|sqlalche\.me/;
/** A Python set repr of strings, e.g. `{'<', '>=', '='}`. */
const PY_SET = /\{'[^']*'(?:, '[^']*')*\}/g;

export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function maskRunIds(text: string): string {
  return text.replace(RUN_ID_ANYWHERE, '<run_id>');
}

/** Sorts the elements of every Python set repr, so two prints of the same set compare equal. */
export function canonicalSets(text: string): string {
  return text.replace(PY_SET, (set) => {
    const items = set.slice(2, -2).split("', '");
    return `{'${items.sort().join("', '")}'}`;
  });
}

export function embedsDriverError(message: string): boolean {
  return DRIVER_ERROR.test(message);
}

function messageMatches(expected: string, actual: unknown, varying: boolean): boolean {
  if (typeof actual !== 'string') return false;
  if (expected === actual) return true;
  if (embedsDriverError(expected)) return actual.length > 0;
  if (canonicalSets(expected) === canonicalSets(actual)) return true;
  return varying && maskRunIds(expected) === maskRunIds(actual);
}

function sameShape(expected: unknown, actual: unknown): boolean {
  if (jsonType(expected) !== jsonType(actual)) return false;
  if (typeof expected === 'string' && typeof actual === 'string') {
    if (RUN_ID.test(expected)) return RUN_ID.test(actual);
    if (expected.startsWith('mlflow-artifacts:/')) return maskRunIds(expected) === maskRunIds(actual);
  }
  return true;
}

/**
 * Arrays whose order SQL does not guarantee: `{key, ...}` elements (tags, params, latest metrics, metric
 * history) and run `dataset_inputs` (`{tags, dataset}`; MLflow reads them without ORDER BY).
 */
function isUnorderedArray(value: unknown): value is Record<string, unknown>[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(
      (v) => typeof v === 'object' && v !== null && !Array.isArray(v) && ('key' in v || 'dataset' in v),
    )
  );
}

function fieldOf(path: readonly string[]): string {
  for (let i = path.length - 1; i >= 0; i--) if (!/^\d+$/.test(path[i]!)) return path[i]!;
  return '';
}

export function compareJson(expected: unknown, actual: unknown, ctx: CompareContext): Difference[] {
  const differences: Difference[] = [];
  walk(expected, actual, [], ctx, differences);
  return differences;
}

function walk(e: unknown, a: unknown, path: string[], ctx: CompareContext, out: Difference[]): void {
  const varying = ctx.varying.some((p) => patternCovers(p, path));
  const exp = typeof e === 'string' ? ctx.translate(e, fieldOf(path)) : e;
  const at = formatPointer(path);
  if (path.length === 1 && path[0] === 'message' && typeof exp === 'string') {
    if (!messageMatches(exp, a, varying)) out.push({ pointer: at, expected: exp, actual: a });
    return;
  }
  if (varying) {
    if (!sameShape(exp, a))
      out.push({ pointer: at, expected: exp, actual: a, note: 'varying: type/shape differs' });
    return;
  }
  if (jsonType(exp) !== jsonType(a)) {
    out.push({ pointer: at, expected: exp, actual: a });
    return;
  }
  if (Array.isArray(exp)) {
    const act = a as unknown[];
    if (isUnorderedArray(exp)) {
      walkUnordered(exp, act, path, ctx, out);
    } else if (exp.length !== act.length) {
      out.push({ pointer: at, expected: exp, actual: act, note: `length ${exp.length} vs ${act.length}` });
    } else {
      exp.forEach((item, i) => {
        walk(item, act[i], [...path, String(i)], ctx, out);
      });
    }
    return;
  }
  if (typeof exp === 'object' && exp !== null) {
    const eo = exp as Record<string, unknown>;
    const ao = a as Record<string, unknown>;
    for (const key of new Set([...Object.keys(eo), ...Object.keys(ao)])) {
      const where = [...path, key];
      if (!(key in ao)) out.push({ pointer: formatPointer(where), expected: eo[key], actual: undefined });
      else if (!(key in eo))
        out.push({ pointer: formatPointer(where), expected: undefined, actual: ao[key] });
      else walk(eo[key], ao[key], where, ctx, out);
    }
    return;
  }
  if (exp !== a) out.push({ pointer: at, expected: exp, actual: a });
}

/** Matches each recorded element with an equal one of ours, wherever it is. */
function walkUnordered(
  exp: Record<string, unknown>[],
  act: unknown[],
  path: string[],
  ctx: CompareContext,
  out: Difference[],
): void {
  const used = new Set<number>();
  const equal = (i: number, j: number): boolean => {
    const trial: Difference[] = [];
    walk(exp[i], act[j], [...path, String(i)], ctx, trial);
    return trial.length === 0;
  };
  exp.forEach((item, i) => {
    // The same position first: most arrays do come back in the recorded order.
    const candidates = [i, ...act.keys()].filter((j) => j < act.length && !used.has(j));
    const match = candidates.find((j) => equal(i, j));
    if (match !== undefined) {
      used.add(match);
      return;
    }
    // No equal element: report against the element with the same key, if any, for a readable diff.
    const j = act.findIndex(
      (x, k) =>
        !used.has(k) && typeof x === 'object' && x !== null && (x as { key?: unknown }).key === item.key,
    );
    if (j >= 0) {
      used.add(j);
      walk(item, act[j], [...path, String(i)], ctx, out);
    } else {
      out.push({ pointer: formatPointer([...path, String(i)]), expected: item, actual: undefined });
    }
  });
  act.forEach((x, j) => {
    if (!used.has(j)) {
      out.push({
        pointer: formatPointer([...path, '-']),
        expected: undefined,
        actual: x,
        note: 'extra element',
      });
    }
  });
}
