import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCsv } from './csv.ts';

describe('CSV preview reader', () => {
  it('reads plain, quoted and empty fields with LF or CRLF', () => {
    assert.deepEqual(parseCsv('a,b,c\n1,"x, y",\r\n"say ""hi""",2,3\n'), [
      ['a', 'b', 'c'],
      ['1', 'x, y', ''],
      ['say "hi"', '2', '3'],
    ]);
  });

  it('keeps a last line without a newline and newlines inside quotes', () => {
    assert.deepEqual(parseCsv('k,v\n"multi\nline",9'), [
      ['k', 'v'],
      ['multi\nline', '9'],
    ]);
  });

  it('stops after maxRows and reads tab-separated files', () => {
    assert.equal(parseCsv('1\n2\n3\n4\n', 2).length, 2);
    assert.deepEqual(parseCsv('a\tb\n', 10, '\t'), [['a', 'b']]);
  });
});
