import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AbortMultipartUpload,
  CompleteMultipartUpload,
  CreateMultipartUpload,
  LogBatch,
  REGISTRY_ROUTES,
  TRACKING_ROUTES,
  WEBHOOK_ROUTES,
} from '@mlflow-ts/protocol';
import type { TObject, TSchema } from '@sinclair/typebox';
import { MlflowError } from '../core/mlflow-error.ts';
import { decodeBody, decodeQuery, decodersForTest } from './decode.ts';

// decode.ts has two decoders with the same rules: a compiled fast one that answers REJECT for anything it
// does not accept, and the full one that names the offending field in MLflow's error. Requests go through
// the fast one and fall back to the full one, so the full one alone decides every error answer. Here both
// run on the same inputs, valid and not: the fast one must accept exactly what the full one accepts, with
// the same output (values, and key order too).

const SCHEMAS: [string, TObject][] = [
  ...[...TRACKING_ROUTES, ...REGISTRY_ROUTES, ...WEBHOOK_ROUTES].map(
    (r) => [r.rpc, r.request as TObject] as [string, TObject],
  ),
  ['CreateMultipartUpload', CreateMultipartUpload],
  ['CompleteMultipartUpload', CompleteMultipartUpload],
  ['AbortMultipartUpload', AbortMultipartUpload],
];

const camel = (snake: string) => snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** Values a client might send in place of any field. */
const ODD_VALUES: unknown[] = [
  undefined,
  null,
  '',
  0,
  -3,
  1.5,
  2147483648,
  '12',
  ' 12 ',
  '-7',
  '1e3',
  '1.25',
  'NaN',
  'Infinity',
  '-Infinity',
  true,
  false,
  'true',
  'x',
  {},
  [],
  [1],
  ['a'],
  [{}],
  { key: 'k' },
  'ACTIVE_ONLY',
  'FINISHED',
  '2',
];

/** A body in which every field, optional ones included, has a value the decoders accept. */
function sample(schema: TSchema): unknown {
  if (schema.type === 'array') return [sample(schema.items as TSchema), sample(schema.items as TSchema)];
  if (schema.type === 'object') {
    return Object.fromEntries(Object.entries((schema as TObject).properties).map(([k, s]) => [k, sample(s)]));
  }
  switch (schema.proto) {
    case 'string':
      return 'a';
    case 'int64':
      return 5;
    case 'int32':
      return 7;
    case 'double':
      return 1.5;
    case 'bool':
      return true;
    case 'enum':
      return (schema.values as string[])[0];
    default:
      throw new Error(`no proto kind: ${JSON.stringify(schema)}`);
  }
}

/** Paths to every field of a sample body (through the first item of arrays), with each field's schema. */
function fieldPaths(schema: TSchema, path: (string | number)[] = []): (string | number)[][] {
  if (schema.type === 'array') return fieldPaths(schema.items as TSchema, [...path, 0]);
  if (schema.type !== 'object') return [path];
  const out: (string | number)[][] = path.length > 0 ? [path] : [];
  for (const [k, s] of Object.entries((schema as TObject).properties))
    out.push(...fieldPaths(s, [...path, k]));
  return out;
}

function withValue(body: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let at = copy;
  for (const p of path.slice(0, -1)) at = at[p] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  // No JSON body has holes in an array: a missing item is one item fewer.
  if (value === undefined && typeof last === 'number') (at as unknown as unknown[]).splice(last, 1);
  else if (value === undefined) delete at[last];
  else at[last] = value;
  return copy;
}

/** The same field under its lowerCamelCase name. */
function renamed(body: unknown, path: (string | number)[]): unknown {
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let at = copy;
  for (const p of path.slice(0, -1)) at = at[p] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (typeof last !== 'string' || camel(last) === last) return copy;
  at[camel(last)] = at[last];
  delete at[last];
  return copy;
}

/** Entries in order, all the way down, so that deepEqual also compares key order. */
function ordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ordered);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).map(([k, v]) => [k, ordered(v)]);
  }
  return value;
}

function assertSameDecoding(schema: TObject, body: unknown, what: string): 'accepted' | 'rejected' {
  const fast = decodersForTest.fast(schema, body);
  let full: unknown;
  let error: unknown;
  try {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('not an object');
    full = decodersForTest.full(schema, body as Record<string, unknown>);
  } catch (err) {
    error = err;
  }
  if (error !== undefined) {
    assert.equal(fast, 'REJECT', `${what}: the full decoder throws (${String(error)}), the fast one accepts`);
    return 'rejected';
  }
  assert.notEqual(fast, 'REJECT', `${what}: the fast decoder rejects what the full one accepts`);
  assert.deepEqual(fast, full, what);
  assert.deepEqual(ordered(fast), ordered(full), `${what}: key order`);
  return 'accepted';
}

describe('request decoding: fast and full decoders agree', () => {
  it('on every field of every request schema, set to odd values, missing, or camelCase', () => {
    let accepted = 0;
    let rejected = 0;
    for (const [name, schema] of SCHEMAS) {
      const body = sample(schema);
      const count = (r: 'accepted' | 'rejected') => (r === 'accepted' ? accepted++ : rejected++);
      count(assertSameDecoding(schema, body, `${name} sample`));
      count(assertSameDecoding(schema, {}, `${name} {}`));
      for (const path of fieldPaths(schema)) {
        count(assertSameDecoding(schema, renamed(body, path), `${name}.${path.join('.')} camelCase`));
        for (const value of ODD_VALUES) {
          const what = `${name}.${path.join('.')} = ${JSON.stringify(value)}`;
          count(assertSameDecoding(schema, withValue(body, path, value), what));
        }
      }
    }
    // Both outcomes must be well represented, or the comparison above proves little.
    assert.ok(accepted > 500 && rejected > 500, `${accepted} accepted, ${rejected} rejected`);
  });

  it('on randomly damaged 1,000-metric log-batch bodies', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const metric = (i: number) => ({
      key: `train/metric_${i % 10}`,
      value: i / 7,
      timestamp: 1_700_000_000_000 + i,
      step: i,
    });
    const base = {
      run_id: '0123456789abcdef0123456789abcdef',
      metrics: Array.from({ length: 1000 }, (_, i) => metric(i)),
    };
    const fields = ['key', 'value', 'timestamp', 'step', 'extra'];
    const outcomes = { accepted: 0, rejected: 0 };
    for (let n = 0; n < 400; n++) {
      const body = structuredClone(base) as { metrics: Record<string, unknown>[] };
      for (let d = Math.floor(random() * 3); d >= 0; d--) {
        const item = body.metrics[Math.floor(random() * body.metrics.length)]!;
        const field = fields[Math.floor(random() * fields.length)]!;
        const value = ODD_VALUES[Math.floor(random() * ODD_VALUES.length)];
        if (value === undefined) delete item[field];
        else item[field] = value;
      }
      outcomes[assertSameDecoding(LogBatch, body, `damaged body ${n}`)]++;
    }
    assert.ok(outcomes.accepted > 50 && outcomes.rejected > 50, JSON.stringify(outcomes));
  });
});

describe('request decoding: errors name the field as MLflow does', () => {
  const message = (schema: TObject, body: unknown): string => {
    try {
      decodeBody(schema, body);
    } catch (err) {
      assert.ok(err instanceof MlflowError);
      assert.equal(err.code, 'INVALID_PARAMETER_VALUE');
      return err.message;
    }
    return 'accepted';
  };
  const ok = { key: 'm', value: 1, timestamp: 1, step: 0 };
  const cases: [string, unknown, string][] = [
    [
      'a metric without key',
      { run_id: 'r', metrics: [ok, { value: 1, timestamp: 1 }] },
      "Missing value for required parameter 'metrics[1].key'. See the API docs for more information about request parameters.",
    ],
    [
      'an empty key',
      { run_id: 'r', metrics: [ok, ok, { key: '', value: 1, timestamp: 1 }] },
      "Missing value for required parameter 'metrics[2].key'. See the API docs for more information about request parameters.",
    ],
    [
      'a timestamp that is no integer',
      { run_id: 'r', metrics: [ok, { key: 'm', value: 1, timestamp: 1.5 }] },
      "Invalid value 1.5 for parameter 'metrics[1].timestamp' supplied. Hint: Value was of type 'float'. See the API docs for more information about request parameters.",
    ],
    [
      'a value that is no number',
      { run_id: 'r', metrics: [{ key: 'm', value: 'abc', timestamp: 1 }] },
      "Invalid value abc for parameter 'metrics[0].value' supplied. Hint: Value was of type 'str'. See the API docs for more information about request parameters.",
    ],
    [
      'a step given as an object',
      { run_id: 'r', metrics: [{ key: 'm', value: 1, timestamp: 1, step: {} }] },
      "Invalid value {} for parameter 'metrics[0].step' supplied. Hint: Value was of type 'dict'. See the API docs for more information about request parameters.",
    ],
    [
      'a metric that is no object',
      { run_id: 'r', metrics: [ok, 3] },
      "Invalid value 3 for parameter 'metrics[1]' supplied. Hint: Value was of type 'int'. See the API docs for more information about request parameters.",
    ],
    [
      'no run_id, before any metric error',
      { metrics: [{ value: 1 }] },
      "Missing value for required parameter 'run_id'. See the API docs for more information about request parameters.",
    ],
  ];
  for (const [name, body, expected] of cases) {
    it(name, () => assert.equal(message(LogBatch, body), expected));
  }

  it('decodes what it accepts as before: numeric strings, NaN, camelCase, a single item for a list', () => {
    assert.deepEqual(
      decodeBody(LogBatch, {
        runId: 'r',
        metrics: { key: 'm', value: 'NaN', timestamp: '17', step: ' 3 ' },
        params: [{ key: 'p' }],
        extra: 1,
      }),
      {
        run_id: 'r',
        metrics: [{ key: 'm', value: Number.NaN, timestamp: 17, step: 3 }],
        params: [{ key: 'p' }],
      },
    );
    assert.deepEqual(decodeQuery(LogBatch, { run_id: 'r', metrics: undefined }), { run_id: 'r' });
  });
});
