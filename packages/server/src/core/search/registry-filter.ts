/**
 * `registered-models/search` (spec §4.3) and `model-versions/search` (§4.4) filter grammars.
 * Comparators are upper-cased (MLflow's registry parser does `comparator.upper()`), prefixes are
 * `attribute`, `tag`, `tags`, and "Invalid clause(s)" lists pieces unquoted. Messages for bad
 * comparators are the SQL store's ("Invalid comparator for attribute: ~", errors.jsonl).
 */
import { MlflowError } from '../mlflow-error.ts';
import { resolveScopedIdentifier } from './experiment-filter.ts';
import type { Token } from './lexer.ts';
import { attributeValue, isStringToken, parseStatement, quotedString } from './statement.ts';
import type {
  ModelVersionClause,
  NumericComparator,
  RegisteredModelClause,
  StringComparator,
  TagClause,
} from './types.ts';

const invalid = (message: string): MlflowError => MlflowError.invalidParameter(message);

export const REGISTERED_MODEL_SEARCH_ATTRIBUTE_KEYS: readonly string[] = ['name'];
/** In the order errors.jsonl printed them. */
export const MODEL_VERSION_SEARCH_ATTRIBUTE_KEYS: readonly string[] = [
  'run_id',
  'source_path',
  'version_number',
  'name',
];
const STRING_COMPARATORS: readonly string[] = ['=', '!=', 'LIKE', 'ILIKE'];
const NUMERIC_COMPARATORS: readonly string[] = ['=', '!=', '<', '<=', '>', '>='];

type Value = string | number | string[];

function tagValue(t: Token): string {
  if (isStringToken(t)) return quotedString(t);
  throw invalid(`Expected a quoted string value for tag (e.g. 'my-value'). Got value ${t.text}`);
}

function tagClause(key: string, comparator: string, value: Value): TagClause {
  if (!STRING_COMPARATORS.includes(comparator)) throw invalid(`Invalid comparator for tag: ${comparator}`);
  return { type: 'tag', key, comparator: comparator as StringComparator, value: value as string };
}

/** Pass 1 value check for an attribute (SearchModelUtils/SearchModelVersionUtils._get_value). */
function attributeValueOf(key: string, t: Token, numericKeys: ReadonlySet<string>): Value {
  return attributeValue(
    key,
    t,
    numericKeys,
    'Expected a quoted string value or a list of quoted string values for attributes.',
  );
}

/**
 * Parses a `registered-models/search` filter (spec §4.3): `name` and tags, `= != LIKE ILIKE`.
 * Empty/absent ⇒ `[]`. See `splitPromptFilter` for the prompt tag newer clients append.
 */
export function parseRegisteredModelFilter(filter: string | undefined): RegisteredModelClause[] {
  if (!filter) return [];
  const noNumericKeys = new Set<string>();
  const parsed = parseStatement(filter, { quoteInvalidClauses: false }).map((c) => {
    const { entity, key } = resolveScopedIdentifier(c.lhs.text, REGISTERED_MODEL_SEARCH_ATTRIBUTE_KEYS);
    const value = entity === 'tag' ? tagValue(c.rhs) : attributeValueOf(key, c.rhs, noNumericKeys);
    return { entity, key, comparator: c.comparator.toUpperCase(), value };
  });
  return parsed.map(({ entity, key, comparator, value }): RegisteredModelClause => {
    if (entity === 'tag') return tagClause(key, comparator, value);
    if (!STRING_COMPARATORS.includes(comparator)) {
      throw invalid(`Invalid comparator for attribute: ${comparator}`);
    }
    if (Array.isArray(value)) throw invalid(`Invalid comparator for attribute: ${comparator}`);
    return {
      type: 'attribute',
      key: 'name',
      comparator: comparator as StringComparator,
      value: value as string,
    };
  });
}

function modelVersionAttributeClause(key: string, comparator: string, value: Value): ModelVersionClause {
  if (key === 'version_number') {
    if (!NUMERIC_COMPARATORS.includes(comparator)) {
      throw invalid(`Invalid comparator for attribute ${key}: ${comparator}`);
    }
    // MLflow applies int() to the value: 1.5 compares as 1.
    const version = Math.trunc(value as number);
    return { type: 'attribute', key, comparator: comparator as NumericComparator, value: version };
  }
  if (comparator === 'IN' && key === 'run_id' && Array.isArray(value)) {
    return { type: 'attribute', key, comparator, value };
  }
  // `NOT IN` is not supported for model versions; a list with `=` would be a 500 in MLflow.
  if (!STRING_COMPARATORS.includes(comparator) || Array.isArray(value)) {
    throw invalid(`Invalid comparator for attribute: ${comparator}`);
  }
  return {
    type: 'attribute',
    key: key as 'name' | 'run_id' | 'source_path',
    comparator: comparator as StringComparator,
    value: value as string,
  };
}

/**
 * Parses a `model-versions/search` filter (spec §4.4): `name`, `run_id` (also `IN (…)`),
 * `source_path`, numeric `version_number`, and tags. Empty/absent ⇒ `[]`.
 */
export function parseModelVersionFilter(filter: string | undefined): ModelVersionClause[] {
  if (!filter) return [];
  const numericKeys = new Set(['version_number']);
  const parsed = parseStatement(filter, { quoteInvalidClauses: false }).map((c) => {
    const { entity, key } = resolveScopedIdentifier(c.lhs.text, MODEL_VERSION_SEARCH_ATTRIBUTE_KEYS);
    const value = entity === 'tag' ? tagValue(c.rhs) : attributeValueOf(key, c.rhs, numericKeys);
    return { entity, key, comparator: c.comparator.toUpperCase(), value };
  });
  return parsed.map(({ entity, key, comparator, value }) =>
    entity === 'tag'
      ? tagClause(key, comparator, value)
      : modelVersionAttributeClause(key, comparator, value),
  );
}

// ---------------------------------------------------------------------------------------------
// Prompt registry (spec §1.9, trap 20)

/** Tag marking a registered model (and its versions) as a prompt. */
export const PROMPT_TAG_KEY = 'mlflow.prompt.is_prompt';

/**
 * Prompt semantics of a registry filter, as the 3.x server applies them (spec §1.9). From 2.21 the
 * client appends ``tag.`mlflow.prompt.is_prompt` != 'true'`` to every registry search, and models
 * normally have no such tag — under plain tag semantics a missing tag never matches, so that clause
 * would hide every model. Rule: the first clause on the prompt tag decides. If it is `= 'true'` or
 * `!= 'false'` (value case-insensitive) the caller asked for prompts: the clauses stay as they are
 * (`queryingPrompts: true`). Otherwise every clause on the prompt tag is removed and the caller must
 * exclude prompts itself (anti-join on `tag = 'true'`), so a missing tag counts as "not a prompt".
 */
export function splitPromptFilter<C extends RegisteredModelClause | ModelVersionClause>(
  clauses: readonly C[],
): { queryingPrompts: boolean; clauses: C[] } {
  const isPromptTag = (c: C): boolean => c.type === 'tag' && c.key === PROMPT_TAG_KEY;
  const first = clauses.find(isPromptTag);
  if (first && first.type === 'tag') {
    const value = first.value.toLowerCase();
    const asksForPrompts =
      (first.comparator === '=' && value === 'true') || (first.comparator === '!=' && value === 'false');
    if (asksForPrompts) return { queryingPrompts: true, clauses: [...clauses] };
  }
  return { queryingPrompts: false, clauses: clauses.filter((c) => !isPromptTag(c)) };
}
