import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertInvalid } from './assert-invalid.testutil.ts';
import { parseRunFilter } from './run-filter.ts';

describe('parseRunFilter: grammar rules (spec §4.0, §4.1)', () => {
  it('absent, empty, blank or AND-only filters match everything', () => {
    assert.deepEqual(parseRunFilter(undefined), []);
    assert.deepEqual(parseRunFilter('   '), []);
    assert.deepEqual(parseRunFilter('AND'), []);
  });

  it('accepts every entity alias', () => {
    const types = ['metric', 'metrics'].map((p) => parseRunFilter(`${p}.m > 1`)[0]?.type);
    assert.deepEqual(types, ['metric', 'metric']);
    for (const p of ['param', 'params', 'parameter', 'parameters']) {
      assert.equal(parseRunFilter(`${p}.k = 'v'`)[0]?.type, 'param');
    }
    for (const p of ['tag', 'tags']) assert.equal(parseRunFilter(`${p}.k = 'v'`)[0]?.type, 'tag');
    for (const p of ['attribute', 'attributes', 'attr', 'run']) {
      assert.deepEqual(parseRunFilter(`${p}.status = 'FAILED'`)[0], {
        type: 'attribute',
        key: 'status',
        comparator: '=',
        value: 'FAILED',
      });
    }
    for (const p of ['dataset', 'datasets'])
      assert.equal(parseRunFilter(`${p}.name = 'd'`)[0]?.type, 'dataset');
  });

  it('accepts a back-ticked entity and back-ticked or double-quoted keys', () => {
    assert.deepEqual(parseRunFilter("`params`.model = 'x'"), [
      { type: 'param', key: 'model', comparator: '=', value: 'x' },
    ]);
    assert.deepEqual(parseRunFilter('params."my-key" = \'x\''), [
      { type: 'param', key: 'my-key', comparator: '=', value: 'x' },
    ]);
    assert.deepEqual(parseRunFilter('metrics.`loss/val` < 2'), [
      { type: 'metric', key: 'loss/val', comparator: '<', value: 2 },
    ]);
  });

  it('normalises the run name aliases to run_name', () => {
    for (const alias of ['run name', 'Run name', 'Run Name']) {
      assert.deepEqual(parseRunFilter(`attributes.\`${alias}\` = 'x'`), [
        { type: 'attribute', key: 'run_name', comparator: '=', value: 'x' },
      ]);
    }
    assert.equal(parseRunFilter('"Run Name" = \'x\'')[0]?.key, 'run_name');
  });

  it('parses numbers: negative, fractional, exponent', () => {
    const values = ['-1', '.5', '1.', '1e3', '2.5E-2'].map(
      (v) => parseRunFilter(`metrics.m > ${v}`)[0]?.value,
    );
    assert.deepEqual(values, [-1, 0.5, 1, 1000, 0.025]);
  });

  it('rejects a hexadecimal or quoted number for a metric', () => {
    assertInvalid(
      () => parseRunFilter('metrics.m > 0x1F'),
      'Expected numeric value type for metric. Found 0x1F',
    );
    assertInvalid(
      () => parseRunFilter('metrics.m > "1"'),
      'Expected numeric value type for metric. Found "1"',
    );
  });

  it('keeps string values raw (quotes removed, escapes not interpreted)', () => {
    assert.equal(parseRunFilter("tags.t = 'it''s'")[0]?.value, "it''s");
    assert.equal(parseRunFilter('tags.t = "it\'s"')[0]?.value, "it's");
    assert.equal(parseRunFilter("tags.t = ''")[0]?.value, '');
  });

  it('requires numeric values for numeric attributes and quoted strings for string attributes', () => {
    assertInvalid(
      () => parseRunFilter("attributes.start_time > 'x'"),
      "Expected numeric value type for numeric attribute: start_time. Found 'x'",
    );
    assertInvalid(
      () => parseRunFilter("created > 'x'"),
      "Expected numeric value type for numeric attribute: created. Found 'x'",
    );
    assertInvalid(
      () => parseRunFilter('status = 1'),
      'Expected a quoted string value for attributes. Got value 1',
    );
    assertInvalid(() => parseRunFilter('params.p = 1'), /Expected a quoted string value for parameter/);
    assertInvalid(
      () => parseRunFilter('datasets.name = 1'),
      'Expected a quoted string value for dataset attributes. Got value 1',
    );
  });

  it('checks comparators per entity, after all values (MLflow two passes)', () => {
    assertInvalid(
      () => parseRunFilter("params.p > 'x'"),
      "Invalid comparator '>' not one of '{'!=', '=', 'LIKE', 'ILIKE'}'",
    );
    assertInvalid(() => parseRunFilter("tags.t NOT LIKE 'x'"), /^Invalid comparator 'NOT LIKE' not one of/);
    assertInvalid(
      () => parseRunFilter('attributes.start_time LIKE 5'),
      /^Invalid comparator 'LIKE' not one of/,
    );
    assertInvalid(() => parseRunFilter("attributes.status > 'x'"), /^Invalid comparator '>' not one of/);
    assertInvalid(() => parseRunFilter("datasets.name < 'x'"), /^Invalid comparator '<' not one of/);
    // The value error of the second clause wins over the comparator error of the first.
    assertInvalid(() => parseRunFilter('metrics.a >>> 1 AND params.b = c'), /not quoted/);
  });

  it('upper-cases word comparators (like/ilike work)', () => {
    assert.equal(parseRunFilter("run_name like 'a%'")[0]?.comparator, 'LIKE');
    assert.equal(parseRunFilter("datasets.digest iLike 'a%'")[0]?.comparator, 'ILIKE');
  });

  it('run_id IN / NOT IN take a list; non-lower-case ids are dropped (§4.1)', () => {
    assert.deepEqual(parseRunFilter("run_id IN ('abc123', 'ABC123', 'Abc', '123')"), [
      { type: 'attribute', key: 'run_id', comparator: 'IN', value: ['abc123'] },
    ]);
    assert.deepEqual(parseRunFilter("attributes.run_id not in ('x')"), [
      { type: 'attribute', key: 'run_id', comparator: 'NOT IN', value: ['x'] },
    ]);
    assert.deepEqual(parseRunFilter("run_id IN ('A')"), [
      { type: 'attribute', key: 'run_id', comparator: 'IN', value: [] },
    ]);
    assert.deepEqual(parseRunFilter('run_id IN ("a", \'b\',)')[0]?.value, ['a', 'b']);
  });

  it('dataset lists keep their values as written (divergence: MLflow drops upper-case ones)', () => {
    assert.deepEqual(parseRunFilter("datasets.context NOT IN ('Train', 'eval')"), [
      { type: 'dataset', key: 'context', comparator: 'NOT IN', value: ['Train', 'eval'] },
    ]);
  });

  it('rejects malformed lists', () => {
    assertInvalid(
      () => parseRunFilter('run_id IN ()'),
      /non-empty list of string values, but got empty list/,
    );
    assertInvalid(() => parseRunFilter('run_id IN (1, 2)'), /but got different type in list: \(1, 2\)/);
    assertInvalid(() => parseRunFilter("run_id IN ('a' 'b')"), /but got ill-formed list/);
    assertInvalid(() => parseRunFilter("run_id IN ('a',, 'b')"), /but got ill-formed list/);
  });

  it('rejects a list with a scalar comparator', () => {
    assertInvalid(() => parseRunFilter("run_id = ('a', 'b')"), /Use 'IN' or 'NOT IN'/);
    assertInvalid(() => parseRunFilter("datasets.name != ('a')"), /Use 'IN' or 'NOT IN'/);
  });

  it("rejects 'IN' without parentheses", () => {
    assertInvalid(
      () => parseRunFilter("run_id IN 'a'"),
      "Invalid clause(s) in filter string: 'run_id', 'IN', ''a''",
    );
  });

  it('rejects OR, parentheses, NOT, IS NULL and dangling pieces', () => {
    assertInvalid(
      () => parseRunFilter("params.a = 'x' or tags.b = 'y'"),
      "Invalid clause(s) in filter string: 'or'",
    );
    assertInvalid(() => parseRunFilter("NOT params.a = 'x'"), "Invalid clause(s) in filter string: 'NOT'");
    assertInvalid(
      () => parseRunFilter('tags.a IS NOT NULL'),
      "Invalid clause(s) in filter string: 'tags.a', 'IS', 'NOT NULL'",
    );
    assertInvalid(
      () => parseRunFilter("params.a = 'x' params.b"),
      "Invalid clause(s) in filter string: 'params.b'",
    );
    assertInvalid(() => parseRunFilter('metrics.a > 1 > 2'), "Invalid clause(s) in filter string: '>', '2'");
    assertInvalid(
      () => parseRunFilter("params.a = ('x'"),
      "Invalid clause(s) in filter string: 'params.a', '=', '(', ''x''",
    );
  });

  it('rejects a comparison whose left side is not an identifier', () => {
    assertInvalid(
      () => parseRunFilter("'params.a' = 'x'"),
      "Invalid comparison clause. Expected 'Identifier' found ''params.a''",
    );
  });

  it('rejects several statements', () => {
    assertInvalid(
      () => parseRunFilter("params.a = 'x'; params.b = 'y'"),
      "Search filter contained multiple expression 'params.a = 'x'; params.b = 'y''. Provide AND-ed expression list.",
    );
    assertInvalid(() => parseRunFilter("params.a = 'x';"), "Invalid clause(s) in filter string: ';'");
  });

  it('rejects unknown dataset keys', () => {
    assertInvalid(
      () => parseRunFilter("datasets.source = 'x'"),
      "Invalid dataset key 'source' specified. Valid keys are '{'name', 'digest', 'context'}'",
    );
  });

  it('a string containing AND, OR or parentheses is just a value', () => {
    assert.deepEqual(parseRunFilter("tags.note = 'a AND b OR (c)'"), [
      { type: 'tag', key: 'note', comparator: '=', value: 'a AND b OR (c)' },
    ]);
  });
});
