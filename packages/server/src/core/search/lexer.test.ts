import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Token, tokenize } from './lexer.ts';

const kinds = (input: string): string[] => tokenize(input).map((t) => `${t.kind}:${t.text}`);

describe('tokenize', () => {
  it('drops whitespace and lexes a comparison', () => {
    assert.deepEqual(kinds('  metrics.acc >= 0.8\n'), ['ident:metrics.acc', 'op:>=', 'float:0.8']);
  });

  it('lexes dotted identifiers with backticked and double-quoted parts', () => {
    assert.deepEqual(kinds('tags.`mlflow.runName` params."my key" `params`.a tags.mlflow.runName'), [
      'ident:tags.`mlflow.runName`',
      'ident:params."my key"',
      'ident:`params`.a',
      'ident:tags.mlflow.runName',
    ]);
  });

  it('a double-quoted word is an identifier, a single-quoted one a string', () => {
    assert.deepEqual(kinds(`"lr" 'lr' 'it''s' 'a\\'b'`), [
      'ident:"lr"',
      "string:'lr'",
      "string:'it''s'",
      "string:'a\\'b'",
    ]);
  });

  it('lexes numbers like sqlparse', () => {
    assert.deepEqual(kinds('1 -2 3.5 .5 7. 1e3 -2.5E-2 0x1F 1abc'), [
      'int:1',
      'int:-2',
      'float:3.5',
      'float:.5',
      'float:7.',
      'float:1e3',
      'float:-2.5E-2',
      'hex:0x1F',
      'ident:1abc',
    ]);
  });

  it('comparison operators are any run of <>=~! plus the word operators', () => {
    assert.deepEqual(kinds('= != >>> ~ like ILIKE not  like RLIKE'), [
      'op:=',
      'op:!=',
      'op:>>>',
      'op:~',
      'op:like',
      'op:ILIKE',
      'op:not  like',
      'op:RLIKE',
    ]);
  });

  it('keywords keep their case; a keyword before a dot is a name', () => {
    assert.deepEqual(kinds('and OR Not IN is NULL not null in.x'), [
      'keyword:and',
      'keyword:OR',
      'keyword:Not',
      'keyword:IN',
      'keyword:is',
      'keyword:NULL',
      'keyword:not null',
      'ident:in.x',
    ]);
  });

  it('groups balanced parentheses and keeps their source text', () => {
    const [paren] = tokenize("( 'a' ,'b' )");
    assert.equal(paren?.kind, 'paren');
    assert.equal(paren?.text, "( 'a' ,'b' )");
    assert.deepEqual(
      paren?.children?.map((t: Token) => t.text),
      ["'a'", ',', "'b'"],
    );
    assert.deepEqual(kinds('((a))'), ['paren:((a))']);
  });

  it('unmatched parentheses are punctuation', () => {
    assert.deepEqual(kinds("( 'a'"), ['punct:(', "string:'a'"]);
    assert.deepEqual(kinds(') a'), ['punct:)', 'ident:a']);
  });

  it('an unterminated quote is a one-character error token (errors.jsonl)', () => {
    assert.deepEqual(kinds("params.a = '1"), ['ident:params.a', 'op:=', "other:'", 'int:1']);
    assert.deepEqual(kinds('`a'), ['other:`', 'ident:a']);
  });

  it('punctuation and other characters', () => {
    assert.deepEqual(kinds('a; b, c . - + * 🙂'), [
      'ident:a',
      'punct:;',
      'ident:b',
      'punct:,',
      'ident:c',
      'punct:.',
      'other:-',
      'other:+',
      'other:*',
      'other:🙂',
    ]);
  });

  it('a trailing dot is not part of the identifier', () => {
    assert.deepEqual(kinds('metrics.'), ['ident:metrics', 'punct:.']);
  });
});
