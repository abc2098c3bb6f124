/**
 * Lexer for MLflow's SQL-like search filters and order_by clauses (spec §4.0).
 *
 * MLflow tokenises these strings with Python's `sqlparse` and then pattern-matches the token list.
 * We do not need a SQL parser, but a few sqlparse tokenising decisions are visible on the wire: which
 * pieces an "Invalid clause(s) in filter string: …" error lists, that a double-quoted word is an
 * identifier (so `params.x = "v"` works) while a single-quoted one is a string, that `-1`/`.5`/`1e3`
 * are numbers but `0x1F` is not a usable one, that an unterminated quote is a one-character error
 * token (errors.jsonl: `params.a = '1` ⇒ `'params.a', '=', ''', '1'`). This lexer reproduces those.
 */

export type TokenKind =
  /** Dotted name whose parts are bare words, `backticked` or "double-quoted" (sqlparse Identifier). */
  | 'ident'
  /** 'single-quoted' literal (sqlparse String.Single); `''` and `\'` do not end it. */
  | 'string'
  | 'int'
  | 'float'
  /** `0x…`: sqlparse Number.Hexadecimal, a valid operand that MLflow never accepts as a value. */
  | 'hex'
  /** Comparison operator: any run of `<>=~!`, or `[NOT] LIKE|ILIKE|RLIKE|REGEXP`. */
  | 'op'
  /** One of KEYWORDS (AND, OR, NOT, IN, IS, NULL, NOT NULL), case as written. */
  | 'keyword'
  /** A balanced `( … )`; `children` holds the tokens inside. */
  | 'paren'
  /** `, ; . : [ ]` and unmatched parentheses. */
  | 'punct'
  /** Anything else: stray quotes, arithmetic operators, unknown characters. */
  | 'other';

export interface Token {
  readonly kind: TokenKind;
  /** Exact source text (for a paren: the whole group including the parentheses). */
  readonly text: string;
  /** Tokens inside a `paren` group. */
  readonly children?: readonly Token[];
}

/** Bare words sqlparse classifies as keywords and that matter to MLflow's filter grammar. */
const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'IS', 'NULL']);
/** Word operators sqlparse lexes as Operator.Comparison (optionally prefixed by NOT). */
const WORD_OPERATORS = new Set(['LIKE', 'ILIKE', 'RLIKE', 'REGEXP']);

const WHITESPACE = /\s+/y;
const SINGLE_QUOTED = /'(?:''|\\'|[^'])*'/y;
const DOUBLE_QUOTED = /"(?:""|\\"|[^"])*"/y;
const BACKTICKED = /`(?:``|[^`])*`/y;
const WORD = /[\p{L}\p{N}_][\p{L}\p{N}_$#]*/uy;
const WORD_START = /[\p{L}_]/u;
const HEX = /-?0x[0-9a-f]+/iy;
const FLOAT_EXP = /-?\d+(?:\.\d+)?e-?\d+/iy;
const FLOAT = /-?(?:\d+\.\d*|\.\d+)(?![\p{L}_])/uy;
const INT = /-?\d+(?![\p{L}_])/uy;
const COMPARISON = /[<>=~!]+/y;
const ARITHMETIC = /[+/@#%^&|-]+/y;
const NOT_WORD_OPERATOR = /NOT\s+(?:LIKE|ILIKE|RLIKE|REGEXP)(?![\p{L}\p{N}_$#])/iuy;
const NOT_NULL = /NOT\s+NULL(?![\p{L}\p{N}_$#])/iuy;

function matchAt(re: RegExp, input: string, pos: number): string | undefined {
  re.lastIndex = pos;
  const m = re.exec(input);
  return m ? m[0] : undefined;
}

/** One identifier part at `pos`: a bare word, a backticked name or a double-quoted name. */
function identPartAt(input: string, pos: number): string | undefined {
  const c = input[pos];
  if (c === '`') return matchAt(BACKTICKED, input, pos);
  if (c === '"') return matchAt(DOUBLE_QUOTED, input, pos);
  return matchAt(WORD, input, pos);
}

/** Extends a first identifier part with `.part` suffixes (no whitespace around the dots). */
function identAt(input: string, pos: number, first: string): string {
  let end = pos + first.length;
  while (input[end] === '.') {
    const part = identPartAt(input, end + 1);
    if (part === undefined) break;
    end += 1 + part.length;
  }
  return input.slice(pos, end);
}

function numberAt(input: string, pos: number): Token | undefined {
  const hex = matchAt(HEX, input, pos);
  if (hex !== undefined) return { kind: 'hex', text: hex };
  const float = matchAt(FLOAT_EXP, input, pos) ?? matchAt(FLOAT, input, pos);
  if (float !== undefined) return { kind: 'float', text: float };
  const int = matchAt(INT, input, pos);
  if (int !== undefined) return { kind: 'int', text: int };
  return undefined;
}

/** A token starting with a word character, backtick or double quote. */
function wordLikeAt(input: string, pos: number): Token | undefined {
  const first = identPartAt(input, pos);
  if (first === undefined) return undefined;
  const text = identAt(input, pos, first);
  // A bare word directly followed by `.name` is always a name, even a keyword (sqlparse does the same).
  if (text !== first || first.startsWith('`') || first.startsWith('"')) return { kind: 'ident', text };
  const upper = first.toUpperCase();
  if (upper === 'NOT') {
    const op = matchAt(NOT_WORD_OPERATOR, input, pos);
    if (op !== undefined) return { kind: 'op', text: op };
    const notNull = matchAt(NOT_NULL, input, pos);
    if (notNull !== undefined) return { kind: 'keyword', text: notNull };
  }
  if (WORD_OPERATORS.has(upper)) return { kind: 'op', text: first };
  if (KEYWORDS.has(upper)) return { kind: 'keyword', text: first };
  return { kind: 'ident', text: first };
}

/** The next token at `pos` (never a parenthesis, never whitespace). */
function tokenAt(input: string, pos: number): Token {
  const c = input[pos] ?? '';
  if (c === "'") {
    const s = matchAt(SINGLE_QUOTED, input, pos);
    // An unterminated quote is a one-character error token, lexing resumes after it (sqlparse).
    return s === undefined ? { kind: 'other', text: c } : { kind: 'string', text: s };
  }
  if (/[\d.-]/.test(c)) {
    const n = numberAt(input, pos);
    if (n) return n;
  }
  if (c === '`' || c === '"' || /\d/.test(c) || WORD_START.test(c)) {
    const t = wordLikeAt(input, pos);
    if (t) return t;
    return { kind: 'other', text: c };
  }
  const op = matchAt(COMPARISON, input, pos);
  if (op !== undefined) return { kind: 'op', text: op };
  if (',;.:[]'.includes(c)) return { kind: 'punct', text: c };
  const arithmetic = matchAt(ARITHMETIC, input, pos);
  if (arithmetic !== undefined) return { kind: 'other', text: arithmetic };
  // Astral characters stay whole so error messages never show half a surrogate pair.
  return { kind: 'other', text: String.fromCodePoint(input.codePointAt(pos) ?? 0) };
}

interface Frame {
  readonly start: number;
  readonly tokens: Token[];
}

/**
 * Tokenises `input`, dropping whitespace and grouping balanced parentheses into `paren` tokens
 * (sqlparse groups them the same way; an unmatched `(` or `)` stays a plain punctuation token).
 */
export function tokenize(input: string): Token[] {
  const root: Token[] = [];
  const stack: Frame[] = [];
  const current = (): Token[] => stack[stack.length - 1]?.tokens ?? root;
  let pos = 0;
  while (pos < input.length) {
    const ws = matchAt(WHITESPACE, input, pos);
    if (ws !== undefined) {
      pos += ws.length;
      continue;
    }
    const c = input[pos];
    if (c === '(') {
      stack.push({ start: pos, tokens: [] });
      pos += 1;
      continue;
    }
    if (c === ')') {
      const frame = stack.pop();
      if (frame) {
        current().push({ kind: 'paren', text: input.slice(frame.start, pos + 1), children: frame.tokens });
      } else {
        root.push({ kind: 'punct', text: ')' });
      }
      pos += 1;
      continue;
    }
    const token = tokenAt(input, pos);
    current().push(token);
    pos += token.text.length;
  }
  // Unclosed groups dissolve: the `(` becomes punctuation followed by what it contained.
  while (stack.length > 0) {
    const frame = stack.pop()!;
    current().push({ kind: 'punct', text: '(' }, ...frame.tokens);
  }
  return root;
}
