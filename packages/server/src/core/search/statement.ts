/**
 * The entity-independent half of MLflow's filter parsing (spec §4.0): split a filter into
 * `<identifier> <comparator> <value>` comparisons joined by AND, and the value helpers every entity
 * shares. Entity modules (run-filter.ts, experiment-filter.ts, registry-filter.ts) resolve
 * identifiers, check values and comparators, and build the typed AST.
 */
import { MlflowError } from '../mlflow-error.ts';
import { type Token, tokenize } from './lexer.ts';

/** One comparison as written: identifier token, comparator text (case as written), value token. */
export interface RawComparison {
  readonly lhs: Token;
  readonly comparator: string;
  readonly rhs: Token;
}

export interface StatementOptions {
  /**
   * Runs search quotes each piece in "Invalid clause(s)" errors (`'OR'`, recorded in errors.jsonl);
   * the experiment and registry searches print them bare.
   */
  readonly quoteInvalidClauses: boolean;
}

const invalid = (message: string): MlflowError => MlflowError.invalidParameter(message);

/** Tokens sqlparse accepts on either side of a comparison operator. */
function isOperand(t: Token): boolean {
  switch (t.kind) {
    case 'ident':
    case 'string':
    case 'int':
    case 'float':
    case 'hex':
    case 'paren':
      return true;
    case 'keyword':
      return t.text.toUpperCase() === 'NULL';
    default:
      return false;
  }
}

const isKeyword = (t: Token | undefined, word: string): boolean =>
  t?.kind === 'keyword' && t.text.toUpperCase() === word;

type Item = { readonly comparison: RawComparison } | { readonly token: Token };

/** sqlparse's comparison grouping: `operand op operand`, left to right, each operand used once. */
function groupComparisons(tokens: readonly Token[]): Item[] {
  const items: Item[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const prev = items[items.length - 1];
    const next = tokens[i + 1];
    if (t.kind === 'op' && prev && 'token' in prev && isOperand(prev.token) && next && isOperand(next)) {
      items[items.length - 1] = { comparison: { lhs: prev.token, comparator: t.text, rhs: next } };
      i++;
      continue;
    }
    items.push({ token: t });
  }
  return items;
}

/** MLflow's own pass: `ident IN (…)` and `ident NOT IN (…)` become comparisons too. */
function joinInComparisons(items: readonly Item[]): Item[] {
  const out: Item[] = [];
  const tokenOf = (i: number): Token | undefined => {
    const item = items[i];
    return item && 'token' in item ? item.token : undefined;
  };
  for (let i = 0; i < items.length; i++) {
    const first = tokenOf(i);
    if (first?.kind === 'ident') {
      const second = tokenOf(i + 1);
      const third = tokenOf(i + 2);
      if (isKeyword(second, 'IN') && third?.kind === 'paren') {
        out.push({ comparison: { lhs: first, comparator: second!.text, rhs: third } });
        i += 2;
        continue;
      }
      const fourth = tokenOf(i + 3);
      if (isKeyword(second, 'NOT') && isKeyword(third, 'IN') && fourth?.kind === 'paren') {
        out.push({ comparison: { lhs: first, comparator: 'NOT IN', rhs: fourth } });
        i += 3;
        continue;
      }
    }
    out.push(items[i]!);
  }
  return out;
}

/**
 * Splits a filter into its comparisons (spec §4.0). Only comparisons and `AND` may appear at the top
 * level; anything else (OR, IS NULL, parentheses, a dangling operator…) is listed in an
 * "Invalid clause(s)" error. Like MLflow, a leading/trailing/doubled AND is tolerated
 * (errors.jsonl: `params.a = '1' AND` ⇒ 200).
 */
export function parseStatement(filter: string, options: StatementOptions): RawComparison[] {
  const tokens = tokenize(filter);
  const semicolon = tokens.findIndex((t) => t.kind === 'punct' && t.text === ';');
  if (semicolon >= 0 && semicolon < tokens.length - 1) {
    throw invalid(`Search filter contained multiple expression '${filter}'. Provide AND-ed expression list.`);
  }
  const items = joinInComparisons(groupComparisons(tokens));
  const invalidTokens = items.flatMap((item) =>
    'token' in item && !isKeyword(item.token, 'AND') ? [item.token.text] : [],
  );
  if (invalidTokens.length > 0) {
    const listed = options.quoteInvalidClauses ? invalidTokens.map((t) => `'${t}'`) : invalidTokens;
    throw invalid(`Invalid clause(s) in filter string: ${listed.join(', ')}`);
  }
  const comparisons = items.flatMap((item) => ('comparison' in item ? [item.comparison] : []));
  for (const c of comparisons) {
    if (c.lhs.kind !== 'ident') {
      throw invalid(`Invalid comparison clause. Expected 'Identifier' found '${c.lhs.text}'`);
    }
  }
  return comparisons;
}

// ---------------------------------------------------------------------------------------------
// Identifier and value helpers (MLflow's _strip_quotes / _trim_backticks / _parse_run_ids).

const isQuotedWith = (s: string, q: string): boolean => s.length >= 2 && s.startsWith(q) && s.endsWith(q);

/** Removes one pair of surrounding single or double quotes, if present. No unescaping (as MLflow). */
export function stripQuotes(s: string): string {
  return isQuotedWith(s, "'") || isQuotedWith(s, '"') ? s.slice(1, -1) : s;
}

/** Removes one pair of surrounding backticks, if present. */
export function trimBackticks(s: string): string {
  return isQuotedWith(s, '`') ? s.slice(1, -1) : s;
}

/** Key normalisation shared by all entities: quotes first, then backticks (MLflow order). */
export const unquoteKey = (key: string): string => trimBackticks(stripQuotes(key));

/**
 * Splits `entity.key` on the first dot (spec §4.0); without a dot the whole text is the key and
 * the entity is undefined (= attribute).
 */
export function splitIdentifier(text: string): { entity: string | undefined; key: string } {
  const dot = text.indexOf('.');
  return dot < 0
    ? { entity: undefined, key: text }
    : { entity: text.slice(0, dot), key: text.slice(dot + 1) };
}

/** Whether a token can carry a string value: a 'quoted' literal or a "quoted" identifier. */
export const isStringToken = (t: Token): boolean => t.kind === 'string' || t.kind === 'ident';
export const isNumberToken = (t: Token): boolean => t.kind === 'int' || t.kind === 'float';

/** A string value must be quoted; a bare word like `rf` is rejected (errors.jsonl). */
export function quotedString(t: Token): string {
  if (isQuotedWith(t.text, "'") || isQuotedWith(t.text, '"')) return t.text.slice(1, -1);
  throw invalid(
    `Parameter value is either not quoted or unidentified quote types used for string value ${t.text}. ` +
      'Use either single or double quotes.',
  );
}

/** Parses a `('a', 'b')` list: non-empty, only quoted strings, commas between them. */
export function parseStringList(paren: Token): string[] {
  const children = paren.children ?? [];
  if (children.length === 0) {
    throw invalid(
      'While parsing a list in the query, expected a non-empty list of string values, but got empty list',
    );
  }
  if (children.some((t) => !(t.kind === 'string' || t.kind === 'ident' || t.text === ','))) {
    throw invalid(
      'While parsing a list in the query, expected string value, punctuation, or whitespace, ' +
        `but got different type in list: ${paren.text}`,
    );
  }
  const values: string[] = [];
  for (let i = 0; i < children.length; i += 2) {
    const value = children[i]!;
    const separator = children[i + 1];
    const wellFormed =
      value.text !== ',' &&
      (isQuotedWith(value.text, "'") || isQuotedWith(value.text, '"')) &&
      (separator === undefined || separator.text === ',');
    if (!wellFormed) {
      throw invalid(
        'While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.',
      );
    }
    values.push(value.text.slice(1, -1));
  }
  return values;
}

/**
 * Python's `str.islower()`: at least one cased character and none upper-case. MLflow keeps only such
 * values in a `run_id IN (…)` list (MySQL case-insensitivity workaround, spec §4.1 / trap 19).
 */
/**
 * The value of an attribute comparison (MLflow's `_get_value` for attributes, shared by runs and the
 * registry): a number for numeric keys, a quoted string, or — for `run_id` only — a list with the
 * non-lower-case ids dropped (spec §4.1, trap 19). `otherwise` is the searcher's message for anything else.
 */
export function attributeValue(
  key: string,
  t: Token,
  numericKeys: ReadonlySet<string>,
  otherwise: string,
): string | number | string[] {
  if (numericKeys.has(key)) {
    // MLflow takes a quoted value here and then crashes on int('x') with a 500; we reject it.
    if (!isNumberToken(t)) {
      throw invalid(`Expected numeric value type for numeric attribute: ${key}. Found ${t.text}`);
    }
    return Number(t.text);
  }
  if (isStringToken(t)) return quotedString(t);
  if (t.kind === 'paren') {
    if (key !== 'run_id') {
      throw invalid("Only the 'run_id' attribute supports comparison with a list of quoted string values.");
    }
    return parseStringList(t).filter(isPythonLower);
  }
  throw invalid(`${otherwise} Got value ${t.text}`);
}

export function isPythonLower(s: string): boolean {
  return s === s.toLowerCase() && s !== s.toUpperCase();
}

// ---------------------------------------------------------------------------------------------
// Python reprs, so messages read like MLflow's.

/** `repr(str)`: single quotes unless the text contains a single quote and no double quote. */
export function pyRepr(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = s
    .replace(/\\/g, '\\\\')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replaceAll(q, `\\${q}`);
  return q + body + q;
}

/** `repr(set)` of strings, e.g. `{'a', 'b'}` (Python's order is arbitrary; we keep the given one). */
export const pySet = (items: readonly string[]): string => `{${items.map(pyRepr).join(', ')}}`;

/** `repr(list)` of strings, e.g. `['a', 'b']`. */
export const pyList = (items: readonly string[]): string => `[${items.map(pyRepr).join(', ')}]`;
