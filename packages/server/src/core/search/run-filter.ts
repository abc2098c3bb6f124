/**
 * `runs/search` filter grammar (spec §4.1). Parsing happens in MLflow's two passes, which decides
 * which error a user sees first: (1) every clause's identifier and value are checked
 * (SearchUtils.parse_search_filter), then (2) every clause's comparator (the SQL store). So
 * `metrics.acc LIKE '1%'` reports the non-numeric value, not the comparator (errors.jsonl).
 */
import { MlflowError } from '../mlflow-error.ts';
import type { Token } from './lexer.ts';
import {
  attributeValue,
  isNumberToken,
  isStringToken,
  parseStatement,
  parseStringList,
  pyList,
  pySet,
  quotedString,
  splitIdentifier,
  trimBackticks,
  unquoteKey,
} from './statement.ts';
import type {
  DatasetKey,
  ListComparator,
  NumericComparator,
  RunAttributeKey,
  RunClause,
  StringComparator,
} from './types.ts';

const invalid = (message: string): MlflowError => MlflowError.invalidParameter(message);

/** MLflow's internal entity names (they appear in messages, e.g. "for parameter"). */
export type RunEntity = 'metric' | 'parameter' | 'tag' | 'attribute' | 'dataset';

const ENTITY_ALIASES = new Map<string, RunEntity>([
  ['metric', 'metric'],
  ['metrics', 'metric'],
  ['parameter', 'parameter'],
  ['parameters', 'parameter'],
  ['param', 'parameter'],
  ['params', 'parameter'],
  ['tag', 'tag'],
  ['tags', 'tag'],
  ['attribute', 'attribute'],
  ['attributes', 'attribute'],
  ['attr', 'attribute'],
  ['run', 'attribute'],
  ['dataset', 'dataset'],
  ['datasets', 'dataset'],
]);
const ENTITY_NAMES: readonly string[] = ['metric', 'parameter', 'tag', 'attribute', 'dataset'];

/** Valid filter attribute keys, aliases included, in the order errors.jsonl printed them. */
export const RUN_SEARCH_ATTRIBUTE_KEYS: readonly string[] = [
  'run name',
  'end_time',
  'user_id',
  'created',
  'Created',
  'run_id',
  'Run name',
  'artifact_uri',
  'Run Name',
  'start_time',
  'status',
  'run_name',
];
/** order_by accepts the numeric aliases but not the `run name` spellings (MLflow). */
export const RUN_ORDER_BY_ATTRIBUTE_KEYS: readonly string[] = [
  'end_time',
  'user_id',
  'created',
  'Created',
  'run_id',
  'artifact_uri',
  'start_time',
  'status',
  'run_name',
];
const NUMERIC_ATTRIBUTE_KEYS = new Set(['start_time', 'end_time', 'created', 'Created']);
const DATASET_KEYS: readonly DatasetKey[] = ['name', 'digest', 'context'];

const NUMERIC_COMPARATORS: readonly NumericComparator[] = ['<', '>', '<=', '!=', '=', '>='];
const STRING_COMPARATORS: readonly StringComparator[] = ['!=', '=', 'LIKE', 'ILIKE'];
const LIST_COMPARATORS: readonly ListComparator[] = ['IN', 'NOT IN'];

/** `created`/`Created` ⇒ `start_time`, `run name` spellings ⇒ `run_name` (translate_key_alias). */
export function translateRunAttributeAlias(key: string): RunAttributeKey {
  if (key === 'created' || key === 'Created') return 'start_time';
  if (key === 'run name' || key === 'Run name' || key === 'Run Name') return 'run_name';
  return key as RunAttributeKey;
}

/**
 * Resolves `[entity.]key` (spec §4.0): split on the first dot, entity may be back-ticked, key may be
 * back-ticked or double-quoted; no prefix means attribute. Shared with runs order_by.
 */
export function resolveRunIdentifier(
  text: string,
  validAttributeKeys: readonly string[],
): { entity: RunEntity; key: string } {
  const parts = splitIdentifier(text);
  const entityName = trimBackticks(parts.entity ?? 'attribute');
  const entity = ENTITY_ALIASES.get(entityName);
  if (entity === undefined) {
    throw invalid(`Invalid entity type '${entityName}'. Valid values are ${pyList(ENTITY_NAMES)}`);
  }
  const key = unquoteKey(parts.key);
  if (entity === 'attribute' && !validAttributeKeys.includes(key)) {
    throw invalid(`Invalid attribute key '${key}' specified. Valid keys are '${pySet(validAttributeKeys)}'`);
  }
  if (entity === 'dataset' && !(DATASET_KEYS as readonly string[]).includes(key)) {
    throw invalid(`Invalid dataset key '${key}' specified. Valid keys are '${pySet(DATASET_KEYS)}'`);
  }
  return { entity, key };
}

type Value = string | number | string[];

/** Pass 1 value check (SearchUtils._get_value). */
function runValue(entity: RunEntity, key: string, t: Token): Value {
  switch (entity) {
    case 'metric':
      if (!isNumberToken(t)) throw invalid(`Expected numeric value type for metric. Found ${t.text}`);
      return Number(t.text);
    case 'parameter':
    case 'tag':
      if (isStringToken(t)) return quotedString(t);
      throw invalid(`Expected a quoted string value for ${entity} (e.g. 'my-value'). Got value ${t.text}`);
    case 'attribute':
      return attributeValue(key, t, NUMERIC_ATTRIBUTE_KEYS, 'Expected a quoted string value for attributes.');
    case 'dataset':
      if (isStringToken(t)) return quotedString(t);
      // Divergence: MLflow reuses its run-id list parser here and so silently drops dataset names
      // that are not all lower case; dataset names are user text, we keep them.
      if (t.kind === 'paren') return parseStringList(t);
      throw invalid(`Expected a quoted string value for dataset attributes. Got value ${t.text}`);
  }
}

function checkComparator<C extends string>(comparator: string, valid: readonly C[], closingQuote = "'"): C {
  if ((valid as readonly string[]).includes(comparator)) return comparator as C;
  throw invalid(`Invalid comparator '${comparator}' not one of '${pySet(valid)}${closingQuote}`);
}

/** IN/NOT IN need a list and a list needs IN/NOT IN (MLflow would pass a list to `=` and fail with a 500). */
function checkListUse(comparator: string, value: Value): void {
  const isList = Array.isArray(value);
  if (isList !== (LIST_COMPARATORS as readonly string[]).includes(comparator)) {
    throw invalid(
      isList
        ? `Invalid comparator '${comparator}' for a list of values. Use 'IN' or 'NOT IN'.`
        : `Comparator '${comparator}' requires a list of quoted string values, e.g. ('a', 'b').`,
    );
  }
}

/** Pass 2 comparator check (the SQL store's is_metric/is_param/… checks; comparator upper-cased). */
function toClause(entity: RunEntity, rawKey: string, rawComparator: string, value: Value): RunClause {
  const comparator = rawComparator.toUpperCase();
  switch (entity) {
    case 'metric':
      // errors.jsonl records this message without the closing quote; kept byte-identical.
      return {
        type: 'metric',
        key: rawKey,
        comparator: checkComparator(comparator, NUMERIC_COMPARATORS, ''),
        value: value as number,
      };
    case 'parameter':
    case 'tag':
      return {
        type: entity === 'parameter' ? 'param' : 'tag',
        key: rawKey,
        comparator: checkComparator(comparator, STRING_COMPARATORS),
        value: value as string,
      };
    case 'dataset': {
      const key = rawKey as DatasetKey;
      const c = checkComparator(comparator, [...STRING_COMPARATORS, ...LIST_COMPARATORS]);
      checkListUse(c, value);
      return Array.isArray(value)
        ? { type: 'dataset', key, comparator: c as ListComparator, value }
        : { type: 'dataset', key, comparator: c as StringComparator, value: value as string };
    }
    case 'attribute': {
      const key = translateRunAttributeAlias(rawKey);
      if (key === 'start_time' || key === 'end_time') {
        const c = checkComparator(comparator, NUMERIC_COMPARATORS);
        return { type: 'attribute', key, comparator: c, value: value as number };
      }
      const c = checkComparator(comparator, [...STRING_COMPARATORS, ...LIST_COMPARATORS]);
      checkListUse(c, value);
      if (Array.isArray(value)) {
        return { type: 'attribute', key: 'run_id', comparator: c as ListComparator, value };
      }
      return { type: 'attribute', key, comparator: c as StringComparator, value: value as string };
    }
  }
}

/**
 * Parses a `runs/search` filter (spec §4.1) into AND-ed clauses. Empty/absent ⇒ `[]` (match all).
 * Throws INVALID_PARAMETER_VALUE with MLflow's message on any error.
 */
export function parseRunFilter(filter: string | undefined): RunClause[] {
  if (!filter) return [];
  const parsed = parseStatement(filter, { quoteInvalidClauses: true }).map((c) => {
    const { entity, key } = resolveRunIdentifier(c.lhs.text, RUN_SEARCH_ATTRIBUTE_KEYS);
    return { entity, key, comparator: c.comparator, value: runValue(entity, key, c.rhs) };
  });
  return parsed.map((p) => toClause(p.entity, p.key, p.comparator, p.value));
}
