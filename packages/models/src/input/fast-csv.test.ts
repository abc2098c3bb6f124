import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSignature } from '../format/signature.ts';
import { csvRowsToValues } from './csv.ts';
import { fastCsvFrame } from './fast-csv.ts';
import { prepareInput } from './prepare-input.ts';

const schema = parseSignature({
  inputs: JSON.stringify([
    { type: 'double', name: 'a' },
    { type: 'long', name: 'b' },
  ]),
}).inputs;

/** The general path: split fields, Number() them, enforce the schema. */
const general = (text: string, header: string[]) => {
  const rows = text
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l !== '')
    .map((l) => l.split(','));
  return prepareInput({ kind: 'rows', columns: header, data: csvRowsToValues(rows, header.length) }, schema);
};

describe('fastCsvFrame', () => {
  it('reads the forms Number() reads as the general path does', () => {
    const text = '1.5,2\r\n+3,007\n-0.25,-4\n\n.5e1,1e2\n5.,0\n123456789012345678,9\n';
    // '.5e1' has no integer digit: the fast path declines and the general path reads it.
    assert.equal(fastCsvFrame(text, ['a', 'b'], schema), null);
    const simpler = '1.5,2\r\n+3,007\n-0.25,-4\n\n5e-1,1e2\n5.,0\n123456789012345678,9';
    const fast = fastCsvFrame(simpler, ['a', 'b'], schema);
    assert.ok(fast);
    assert.deepEqual(fast, general(simpler, ['a', 'b']));
  });

  it('picks and orders the schema columns by header name', () => {
    const fast = fastCsvFrame('9,1,2\n8,3,4\n', ['extra', 'b', 'a'], schema);
    assert.deepEqual(fast, general('9,1,2\n8,3,4\n', ['extra', 'b', 'a']));
  });

  it('declines what only the general path can judge or explain', () => {
    for (const text of ['1,\n', '"1",2\n', 'x,2\n', '1,2,3\n', '1\n', '1.5,2.5\n', ' 1,2\n', '1,2 \n']) {
      assert.equal(fastCsvFrame(text, ['a', 'b'], schema), null, JSON.stringify(text));
    }
    assert.equal(fastCsvFrame('1,2\n', ['a', 'a'], schema), null); // duplicate names
  });
});
