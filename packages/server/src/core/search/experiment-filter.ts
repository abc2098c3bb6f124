/**
 * `experiments/search` filter grammar (spec §4.2). Differences from runs, all MLflow's:
 * only the prefixes `attribute`, `tag`, `tags` exist; comparators are compared verbatim (so lower-case
 * `like` is rejected, §4.0); "Invalid clause(s)" lists pieces unquoted.
 *
 * Divergence: MLflow answers a bad comparator on an attribute with an INTERNAL_ERROR 500 whose message
 * even lacks the comparator (errors.jsonl: `name === 'x'`). A 500 makes the Python client retry, so we
 * answer 400 INVALID_PARAMETER_VALUE naming the comparator and the valid ones (trap 4, §13).
 */
import { MlflowError } from '../mlflow-error.ts';
import type { Token } from './lexer.ts';
import {
  isNumberToken,
  isStringToken,
  parseStatement,
  pySet,
  quotedString,
  splitIdentifier,
  unquoteKey,
} from './statement.ts';
import type { ExperimentClause, NumericComparator, StringComparator } from './types.ts';

const invalid = (message: string): MlflowError => MlflowError.invalidParameter(message);

/** Valid filter keys, in the order errors.jsonl printed them. */
export const EXPERIMENT_SEARCH_ATTRIBUTE_KEYS: readonly string[] = [
  'last_update_time',
  'creation_time',
  'name',
];
/** Valid order_by keys, in the order errors.jsonl printed them. */
export const EXPERIMENT_ORDER_BY_ATTRIBUTE_KEYS: readonly string[] = [
  'last_update_time',
  'experiment_id',
  'creation_time',
  'name',
];
const NUMERIC_KEYS = new Set(['creation_time', 'last_update_time']);
const NUMERIC_COMPARATORS: readonly NumericComparator[] = ['=', '!=', '<', '<=', '>', '>='];
const STRING_COMPARATORS: readonly StringComparator[] = ['LIKE', 'ILIKE', '=', '!='];

/**
 * Resolves `[attribute.|tag.|tags.]key` (SearchExperimentsUtils._get_identifier). The registry
 * searches use the same rules (registry-filter.ts, order-by.ts).
 */
export function resolveScopedIdentifier(
  text: string,
  validAttributeKeys: readonly string[],
): { entity: 'attribute' | 'tag'; key: string } {
  const parts = splitIdentifier(text);
  let entity: 'attribute' | 'tag' = 'attribute';
  if (parts.entity !== undefined) {
    if (parts.entity !== 'attribute' && parts.entity !== 'tag' && parts.entity !== 'tags') {
      throw invalid(
        `Invalid entity type '${parts.entity}'. Valid entity types are ('attribute', 'tag', 'tags')`,
      );
    }
    entity = parts.entity === 'attribute' ? 'attribute' : 'tag';
  }
  const key = unquoteKey(parts.key);
  if (entity === 'attribute' && !validAttributeKeys.includes(key)) {
    throw invalid(`Invalid attribute key '${key}' specified. Valid keys are '${pySet(validAttributeKeys)}'`);
  }
  return { entity, key };
}

/** Pass 1 value check (SearchUtils._get_value with the experiment attribute set). */
function experimentValue(entity: 'attribute' | 'tag', key: string, t: Token): string | number {
  if (entity === 'tag') {
    if (isStringToken(t)) return quotedString(t);
    throw invalid(`Expected a quoted string value for tag (e.g. 'my-value'). Got value ${t.text}`);
  }
  if (NUMERIC_KEYS.has(key)) {
    if (isNumberToken(t)) return Number(t.text);
    throw invalid(`Expected numeric value type for numeric attribute: ${key}. Found ${t.text}`);
  }
  if (isStringToken(t)) return quotedString(t);
  if (t.kind === 'paren') {
    throw invalid("Only the 'run_id' attribute supports comparison with a list of quoted string values.");
  }
  throw invalid(`Expected a quoted string value for attributes. Got value ${t.text}`);
}

function checkComparator<C extends string>(comparator: string, valid: readonly C[]): C {
  if ((valid as readonly string[]).includes(comparator)) return comparator as C;
  throw invalid(`Invalid comparator '${comparator}' not one of '${pySet(valid)}'`);
}

/** Pass 2 comparator check (the SQL store). */
function toClause(entity: 'attribute' | 'tag', key: string, comparator: string, value: string | number) {
  if (entity === 'tag') {
    if (!(STRING_COMPARATORS as readonly string[]).includes(comparator)) {
      throw invalid(`Invalid comparator for tag: ${comparator}`);
    }
    return { type: 'tag', key, comparator: comparator as StringComparator, value: value as string } as const;
  }
  if (key === 'name') {
    const c = checkComparator(comparator, STRING_COMPARATORS);
    return { type: 'attribute', key, comparator: c, value: value as string } as const;
  }
  const c = checkComparator(comparator, NUMERIC_COMPARATORS);
  return {
    type: 'attribute',
    key: key as 'creation_time' | 'last_update_time',
    comparator: c,
    value: value as number,
  } as const;
}

/**
 * Parses an `experiments/search` filter (spec §4.2). Empty/absent ⇒ `[]`.
 * Throws INVALID_PARAMETER_VALUE with MLflow's message on any error.
 */
export function parseExperimentFilter(filter: string | undefined): ExperimentClause[] {
  if (!filter) return [];
  const parsed = parseStatement(filter, { quoteInvalidClauses: false }).map((c) => {
    const { entity, key } = resolveScopedIdentifier(c.lhs.text, EXPERIMENT_SEARCH_ATTRIBUTE_KEYS);
    return { entity, key, comparator: c.comparator, value: experimentValue(entity, key, c.rhs) };
  });
  return parsed.map((p): ExperimentClause => toClause(p.entity, p.key, p.comparator, p.value));
}
