import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModelError } from '../errors.ts';
import { parseSchema } from '../format/signature.ts';
import { CsvParser, parseCsv } from './csv.ts';
import { enforceParams } from './enforce-params.ts';
import type { Frame, Tensor } from './model-input.ts';
import { parseJsonRequest } from './parse-request.ts';
import { prepareInput } from './prepare-input.ts';

const schema = parseSchema([
  { type: 'double', name: 'a' },
  { type: 'long', name: 'b' },
  { type: 'string', name: 'c', required: false },
]);

function frame(body: unknown): Frame {
  return prepareInput(parseJsonRequest(body).data, schema) as Frame;
}

function rejects(fn: () => unknown, code: string, message: RegExp) {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ModelError, `a ModelError, got ${err}`);
    assert.equal(err.code, code);
    assert.equal(err.status, 400);
    assert.match(err.message, message);
    return true;
  });
}

describe('request forms → frames', () => {
  const expected = { columns: ['a', 'b', 'c'], a: [1.5, 2], b: [1, 2], c: ['x', null] };
  const forms: Record<string, unknown> = {
    dataframe_split: {
      dataframe_split: {
        columns: ['c', 'b', 'a'],
        data: [
          ['x', 1, 1.5],
          [null, 2, 2],
        ],
      },
    },
    dataframe_records: {
      dataframe_records: [
        { a: 1.5, b: 1, c: 'x' },
        { a: 2, b: 2 },
      ],
    },
    'instances (records)': {
      instances: [
        { a: 1.5, b: 1, c: 'x' },
        { a: 2, b: 2, c: null },
      ],
    },
    'inputs (columnar)': { inputs: { a: [1.5, 2], b: [1, 2], c: ['x', null], extra: [0, 0] } },
  };
  for (const [name, body] of Object.entries(forms)) {
    it(name, () => {
      const f = frame(body);
      assert.deepEqual(f.columns, expected.columns);
      assert.ok(f.values[0] instanceof Float64Array);
      assert.deepEqual(Array.from(f.values[0]!), expected.a);
      assert.deepEqual(Array.from(f.values[1]!), expected.b);
      assert.deepEqual(f.values[2], expected.c);
    });
  }

  it('CSV, with numeric strings cast and an empty optional field as null', () => {
    const f = prepareInput(parseCsv('a,b,c\n1.5,1,x\n"2",2,\n'), schema) as Frame;
    assert.deepEqual(Array.from(f.values[0]!), [1.5, 2]);
    assert.deepEqual(f.values[2], ['x', null]);
  });

  it('optional columns may be absent; numeric strings and ints become doubles', () => {
    const f = frame({ dataframe_records: [{ a: '3.25', b: 4 }] });
    assert.deepEqual(f.columns, ['a', 'b']);
    assert.deepEqual(Array.from(f.values[0]!), [3.25]);
  });
});

describe('schema enforcement errors name the column and type', () => {
  const cases: [string, unknown, string, RegExp][] = [
    [
      'missing column',
      { dataframe_records: [{ a: 1 }] },
      'INVALID_PARAMETER_VALUE',
      /missing inputs \['b'\] \(expected b: long\)/,
    ],
    [
      'misnamed column',
      { dataframe_split: { columns: ['a', 'B'], data: [[1, 2]] } },
      'INVALID_PARAMETER_VALUE',
      /missing inputs \['b'\].*extra inputs: \['B'\]/,
    ],
    [
      'text in a double column',
      { dataframe_records: [{ a: 'abc', b: 1 }] },
      'BAD_REQUEST',
      /Failed to convert column a to type 'float64'.*'abc'/,
    ],
    [
      'fraction in a long column',
      { dataframe_records: [{ a: 1, b: 1.5 }] },
      'INVALID_PARAMETER_VALUE',
      /column b\. Can not safely convert float64 to int64/,
    ],
    [
      'null in a required column',
      { dataframe_records: [{ a: null, b: 1 }] },
      'INVALID_PARAMETER_VALUE',
      /column 'a' \(type double\) is required.*row 0/,
    ],
    [
      'list of lists for named columns',
      { inputs: [[1, 2, 'x']] },
      'INVALID_PARAMETER_VALUE',
      /column-based signature with columns \['a', 'b', 'c'\]/,
    ],
  ];
  for (const [name, body, code, message] of cases) it(name, () => rejects(() => frame(body), code, message));
});

describe('protocol errors', () => {
  it('a list, no data key, two data keys, malformed split', () => {
    rejects(
      () => parseJsonRequest([[1]]),
      'BAD_REQUEST',
      /exactly one of the input fields .* Received a list\. IMPORTANT/,
    );
    rejects(
      () => parseJsonRequest({ data: [] }),
      'BAD_REQUEST',
      /Received dictionary with input fields: \[\]\./,
    );
    rejects(
      () => parseJsonRequest({ instances: [], inputs: [] }),
      'BAD_REQUEST',
      /input fields: \['instances', 'inputs'\]/,
    );
    rejects(
      () => parseJsonRequest({ dataframe_split: { data: [[1]], extra: 1 } }),
      'BAD_REQUEST',
      /accepts only/,
    );
    rejects(
      () => parseJsonRequest({ inputs: [1], params: [1] }),
      'BAD_REQUEST',
      /"params" must be a JSON object/,
    );
  });

  it('unified-LLM bodies pass through with schema params split out', () => {
    const r = parseJsonRequest(
      { messages: [{ role: 'user', content: 'hi' }], temperature: 0.2 },
      new Set(['temperature']),
    );
    assert.equal(r.unwrapped, true);
    assert.deepEqual(r.params, { temperature: 0.2 });
    assert.deepEqual(r.data, { kind: 'raw', value: { messages: [{ role: 'user', content: 'hi' }] } });
  });
});

describe('tensors', () => {
  const tensorSchema = parseSchema([{ type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 2] } }]);
  it('casts nested lists to the spec dtype and checks the shape', () => {
    const t = prepareInput(
      parseJsonRequest({
        inputs: [
          [1, 2],
          [3, 4],
        ],
      }).data,
      tensorSchema,
    ) as Tensor;
    assert.deepEqual(t.dims, [2, 2]);
    assert.ok(t.data instanceof Float32Array);
    rejects(
      () => prepareInput(parseJsonRequest({ inputs: [[1, 2, 3]] }).data, tensorSchema),
      'INVALID_PARAMETER_VALUE',
      /\(1, 3\) does not match expected shape \(-1, 2\)/,
    );
    rejects(
      () => prepareInput(parseJsonRequest({ inputs: [[1, 2], [3]] }).data, tensorSchema),
      'INVALID_PARAMETER_VALUE',
      /rectangular/,
    );
  });

  it('a frame feeds a single unnamed tensor as (rows, columns)', () => {
    const t = prepareInput(
      parseJsonRequest({ dataframe_split: { columns: ['x', 'y'], data: [[1, 2]] } }).data,
      tensorSchema,
    ) as Tensor;
    assert.deepEqual(
      [t.dims, Array.from(t.data as Float32Array)],
      [
        [1, 2],
        [1, 2],
      ],
    );
  });

  it('without a schema, lists become float64/int64 tensors and column dicts a dict of tensors', () => {
    const t = prepareInput(parseJsonRequest({ inputs: [[1.5, 2]] }).data, null) as Tensor;
    assert.equal(t.dtype, 'float64');
    const d = prepareInput(parseJsonRequest({ inputs: { x: [1, 2] } }).data, null);
    assert.equal(d.kind, 'tensors');
  });
});

describe('params', () => {
  const specs = [
    { name: 'threshold', type: 'double' as const, default: 0.5, shape: null },
    { name: 'tags', type: 'string' as const, default: ['a'], shape: [-1] },
  ];
  it('defaults fill absent params; unknown ones are ignored', () => {
    assert.deepEqual(enforceParams({ threshold: 0.7, other: 1 }, specs), { threshold: 0.7, tags: ['a'] });
    assert.equal(enforceParams({ x: 1 }, null), null);
  });
  it('a wrong type is a 400 naming the param', () => {
    rejects(
      () => enforceParams({ threshold: 'high' }, specs),
      'INVALID_PARAMETER_VALUE',
      /'threshold'.*expected double/,
    );
    rejects(() => enforceParams({ tags: 'a' }, specs), 'INVALID_PARAMETER_VALUE', /'tags'.*expected a list/);
  });
});

describe('CsvParser', () => {
  it('gives the same rows whatever the chunk boundaries', () => {
    const text = 'a,b\r\n1,"x, ""quoted""\nline"\n2,\n"",3';
    const p = new CsvParser();
    const split: (string | null)[][] = [];
    for (let i = 0; i < text.length; i++) split.push(...p.push(text[i]!));
    split.push(...p.end());
    const q = new CsvParser();
    const all = [...q.push(text), ...q.end()];
    assert.deepEqual(split, all);
    assert.deepEqual(all, [
      ['a', 'b'],
      ['1', 'x, "quoted"\nline'],
      ['2', null],
      ['', '3'],
    ]);
  });
});
