/**
 * order_by parsing for the four searches (spec §4.1–§4.4). Each element is
 * `<identifier> [ASC|DESC]` (direction case-insensitive, default ASC); identifiers follow the same
 * prefix/quoting rules as the entity's filter. Parsers return only the keys given; defaults and
 * tiebreaks are the SQL compiler's (documented on the key types in types.ts).
 *
 * Divergence: MLflow reports duplicated fields (runs, registered models, model versions) with an
 * INTERNAL_ERROR 500; we answer 400 INVALID_PARAMETER_VALUE with the same text.
 */
import { MlflowError } from '../mlflow-error.ts';
import { EXPERIMENT_ORDER_BY_ATTRIBUTE_KEYS, resolveScopedIdentifier } from './experiment-filter.ts';
import { tokenize } from './lexer.ts';
import {
  RUN_ORDER_BY_ATTRIBUTE_KEYS,
  resolveRunIdentifier,
  translateRunAttributeAlias,
} from './run-filter.ts';
import { pyList, pySet, unquoteKey } from './statement.ts';
import type {
  ExperimentOrderKey,
  ModelVersionOrderKey,
  RegisteredModelOrderKey,
  RunOrderKey,
} from './types.ts';

const invalid = (message: string): MlflowError => MlflowError.invalidParameter(message);

/**
 * Splits one order_by element into identifier text and direction (SearchUtils._parse_order_by_string):
 * exactly one identifier, optionally followed by one word that must be asc/desc.
 */
export function splitOrderByClause(clause: string): { identifier: string; ascending: boolean } {
  const tokens = tokenize(clause);
  const [first, second] = tokens;
  if (first?.kind === 'ident' && tokens.length <= 2) {
    if (second === undefined) return { identifier: first.text, ascending: true };
    if (second.kind === 'ident') {
      const direction = unquoteKey(second.text).toLowerCase();
      if (direction !== 'asc' && direction !== 'desc') {
        // errors.jsonl: `metrics.acc DOWN`.
        throw invalid(`Invalid ordering key in order_by clause '${clause}'.`);
      }
      return { identifier: first.text, ascending: direction === 'asc' };
    }
  }
  throw invalid(`Invalid order_by clause '${clause}'. Could not be parsed.`);
}

function duplicateError(orderBy: readonly string[]): MlflowError {
  return invalid(`\`order_by\` contains duplicate fields: ${pyList(orderBy)}`);
}

/**
 * Runs (spec §4.1): attributes (`created` ⇒ `start_time`), `metrics.`, `params.`, `tags.` keys.
 * A field given twice (after alias translation) is an error.
 */
export function parseRunOrderBy(orderBy: readonly string[] | undefined): RunOrderKey[] {
  const keys: RunOrderKey[] = [];
  const seen = new Set<string>();
  for (const clause of orderBy ?? []) {
    const { identifier, ascending } = splitOrderByClause(clause);
    const { entity, key } = resolveRunIdentifier(identifier, RUN_ORDER_BY_ATTRIBUTE_KEYS);
    let orderKey: RunOrderKey;
    if (entity === 'attribute') {
      orderKey = { type: 'attribute', key: translateRunAttributeAlias(key), ascending };
    } else if (entity === 'dataset') {
      throw invalid(`Invalid identifier type '${entity}'`);
    } else {
      orderKey = { type: entity === 'parameter' ? 'param' : entity, key, ascending };
    }
    const id = `${orderKey.type}\u0000${orderKey.key}`;
    if (seen.has(id)) throw duplicateError(orderBy ?? []);
    seen.add(id);
    keys.push(orderKey);
  }
  return keys;
}

/**
 * Experiments (spec §4.2): `name`, `experiment_id`, `creation_time`, `last_update_time`.
 * MLflow accepts a field given twice here (the first occurrence decides), so we do too.
 */
export function parseExperimentOrderBy(orderBy: readonly string[] | undefined): ExperimentOrderKey[] {
  return (orderBy ?? []).map((clause) => {
    const { identifier, ascending } = splitOrderByClause(clause);
    const { entity, key } = resolveScopedIdentifier(identifier, EXPERIMENT_ORDER_BY_ATTRIBUTE_KEYS);
    if (entity !== 'attribute') throw invalid(`Invalid order_by entity: ${entity}`);
    return { type: 'attribute', key: key as ExperimentOrderKey['key'], ascending };
  });
}

const REGISTERED_MODEL_RECOMMENDED_KEYS: readonly string[] = ['name', 'timestamp'];

/**
 * Registered models (spec §4.3): `name`, `timestamp` or `last_updated_timestamp` (the same column,
 * so giving both is a duplicate). The key is a bare name: no prefix, unlike the other searches.
 * `creation_timestamp` is rejected, as by MLflow's SQL store.
 */
export function parseRegisteredModelOrderBy(
  orderBy: readonly string[] | undefined,
): RegisteredModelOrderKey[] {
  const keys: RegisteredModelOrderKey[] = [];
  for (const clause of orderBy ?? []) {
    const { identifier, ascending } = splitOrderByClause(clause);
    const name = unquoteKey(identifier);
    let key: RegisteredModelOrderKey['key'];
    if (name === 'name') key = 'name';
    else if (name === 'timestamp' || name === 'last_updated_timestamp') key = 'last_updated_timestamp';
    else {
      throw invalid(
        `Invalid order by key '${name}' specified. Valid keys are '${pySet(REGISTERED_MODEL_RECOMMENDED_KEYS)}'`,
      );
    }
    if (keys.some((k) => k.key === key)) throw duplicateError(orderBy ?? []);
    keys.push({ type: 'attribute', key, ascending });
  }
  return keys;
}

const MODEL_VERSION_ORDER_BY_KEYS: readonly string[] = [
  'name',
  'version_number',
  'creation_timestamp',
  'last_updated_timestamp',
];

/**
 * Model versions (spec §4.4): `name`, `version_number`, `creation_timestamp`,
 * `last_updated_timestamp`. A field given twice is an error.
 */
export function parseModelVersionOrderBy(orderBy: readonly string[] | undefined): ModelVersionOrderKey[] {
  const keys: ModelVersionOrderKey[] = [];
  for (const clause of orderBy ?? []) {
    const { identifier, ascending } = splitOrderByClause(clause);
    const { key } = resolveScopedIdentifier(identifier, MODEL_VERSION_ORDER_BY_KEYS);
    if (!MODEL_VERSION_ORDER_BY_KEYS.includes(key)) {
      // A tag key: MLflow prints the valid set without surrounding quotes here.
      throw invalid(
        `Invalid order by key '${key}' specified. Valid keys are ${pySet(MODEL_VERSION_ORDER_BY_KEYS)}`,
      );
    }
    const typed = key as ModelVersionOrderKey['key'];
    if (keys.some((k) => k.key === typed)) throw duplicateError(orderBy ?? []);
    keys.push({ type: 'attribute', key: typed, ascending });
  }
  return keys;
}
