import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSignature } from '../format/signature.ts';
import { fastSplitFrame } from './fast-split.ts';
import { parseJsonRequest } from './parse-request.ts';
import { prepareInput } from './prepare-input.ts';

const cols = (types: string[]) =>
  parseSignature({ inputs: JSON.stringify(types.map((type, i) => ({ type, name: `c${i}` }))) }).inputs;

/** What the general path makes of the same body. */
const general = (text: string, schema: ReturnType<typeof cols> | null) =>
  prepareInput(parseJsonRequest(JSON.parse(text)).data, schema);

describe('fastSplitFrame', () => {
  it('gives the same typed frame as JSON.parse + prepareInput on varied numbers', () => {
    const schema = cols(['double', 'float', 'long', 'integer']);
    // Numbers that exercise the short-mantissa path, long mantissas, exponents, signs and zero.
    const doubles = [
      0,
      -0,
      5.1,
      3.14159,
      -2.5e-3,
      1e21,
      123456789.12345679,
      0.1 + 0.2,
      -7,
      1.7976931348623157e308,
    ];
    const data = doubles.map((d, i) => [d, d / 3, i * 1000 - 4000, -i]);
    const text = JSON.stringify({
      dataframe_split: { columns: ['c0', 'c1', 'c2', 'c3', 'extra'], data: data.map((r) => [...r, 1]) },
    });
    const fast = fastSplitFrame(text, schema);
    assert.ok(fast);
    assert.deepEqual(fast, general(text, schema));
    assert.ok(fast.values[1] instanceof Float32Array && fast.values[3] instanceof Int32Array);
    // JSON.stringify writes -0 as 0; JSON.parse reads "-0" as -0, and so must the scanner.
    const negZero = fastSplitFrame('{"dataframe_split": {"columns": ["c0"], "data": [[-0]]}}', null);
    assert.ok(negZero);
    assert.ok(Object.is((negZero.values[0] as Float64Array)[0], -0));
  });

  it('agrees with JSON.parse on 20,000 random decimals written in many forms', () => {
    const texts: string[] = [];
    for (let k = 0; k < 20_000; k++) {
      const v = (Math.random() - 0.5) * 10 ** Math.floor(Math.random() * 12 - 4);
      texts.push(k % 3 === 0 ? v.toFixed(k % 17) : k % 3 === 1 ? String(v) : v.toPrecision(1 + (k % 21)));
    }
    const text = `{ "dataframe_split" : {"data": [${texts.map((t) => `[${t}]`).join(',\n')}], "columns": ["c0"]} }`;
    const fast = fastSplitFrame(text, cols(['double']));
    assert.ok(fast);
    const col = fast.values[0] as Float64Array;
    for (const [i, t] of texts.entries()) assert.equal(col[i], JSON.parse(t), t);
  });

  it('without a signature, every column is float64 in request order', () => {
    const text = '{"dataframe_split": {"columns": ["b", "a"], "data": [[1, 2], [3, 4]]}}';
    assert.deepEqual(fastSplitFrame(text, null), general(text, null));
  });

  it('leaves everything unusual to the general path', () => {
    const schema = cols(['double', 'long']);
    const cases = [
      '{"dataframe_split": {"columns": ["c0", "c1"], "data": [[1, 2]]}, "params": {}}', // another key
      '{"dataframe_split": {"columns": ["c0", "c1"], "data": [[1, null]]}}', // a null
      '{"dataframe_split": {"columns": ["c0", "c1"], "data": [[1, "2"]]}}', // a string
      '{"dataframe_split": {"columns": ["c0", "c1"], "data": [[1, 2.5]]}}', // a float for a long
      '{"dataframe_split": {"columns": ["c0"], "data": [[1]]}}', // a missing column
      '{"dataframe_split": {"columns": ["c0", "c1"], "data": [[1, 2], [3]]}}', // a ragged row
      '{"dataframe_split": {"columns": ["c0", "c1"], "data": []}}', // no rows
      '{"dataframe_split": {"columns": ["c\\u0030", "c1"], "data": [[1, 2]]}}', // an escape
      '{"dataframe_split": {"columns": ["c0", "c1"], "data": [[1, 2]], "index": [0]}}',
      '{"dataframe_split": {"columns": ["c0", "c1"], "data": [[01, 2]]}}', // bad JSON
      '{"dataframe_split": {"columns": ["c0", "c1"], "data": [[1, 2]]}} x',
      '{"dataframe_records": [{"c0": 1, "c1": 2}]}',
    ];
    for (const text of cases) assert.equal(fastSplitFrame(text, schema), null, text);
    assert.equal(fastSplitFrame('{"dataframe_split": {"data": [[1]]}}', cols(['string'])), null);
  });
});
