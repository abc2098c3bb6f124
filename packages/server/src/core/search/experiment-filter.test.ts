import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertInvalid } from './assert-invalid.testutil.ts';
import { parseExperimentFilter } from './experiment-filter.ts';
import type { ExperimentClause } from './types.ts';

describe('parseExperimentFilter: every filter recorded with a 200 (tracking-experiments.jsonl)', () => {
  const cases: [string, ExperimentClause[]][] = [
    ["name LIKE 'gr-exp-%'", [{ type: 'attribute', key: 'name', comparator: 'LIKE', value: 'gr-exp-%' }]],
    ["name ILIKE 'gr-exp-%'", [{ type: 'attribute', key: 'name', comparator: 'ILIKE', value: 'gr-exp-%' }]],
    ["name = 'gr-exp-delta'", [{ type: 'attribute', key: 'name', comparator: '=', value: 'gr-exp-delta' }]],
    ["name != 'gr-exp-delta'", [{ type: 'attribute', key: 'name', comparator: '!=', value: 'gr-exp-delta' }]],
    [
      "attribute.name = 'gr-exp-gamma'",
      [{ type: 'attribute', key: 'name', comparator: '=', value: 'gr-exp-gamma' }],
    ],
    ["tags.team = 'alpha'", [{ type: 'tag', key: 'team', comparator: '=', value: 'alpha' }]],
    ["tags.`team` LIKE '%a'", [{ type: 'tag', key: 'team', comparator: 'LIKE', value: '%a' }]],
    ["tags.team ILIKE 'zeta'", [{ type: 'tag', key: 'team', comparator: 'ILIKE', value: 'zeta' }]],
    ["tags.team != 'alpha'", [{ type: 'tag', key: 'team', comparator: '!=', value: 'alpha' }]],
    [
      "tags.kind = 'bulk' AND name LIKE '%e%'",
      [
        { type: 'tag', key: 'kind', comparator: '=', value: 'bulk' },
        { type: 'attribute', key: 'name', comparator: 'LIKE', value: '%e%' },
      ],
    ],
    ['creation_time > 0', [{ type: 'attribute', key: 'creation_time', comparator: '>', value: 0 }]],
    ['last_update_time < 0', [{ type: 'attribute', key: 'last_update_time', comparator: '<', value: 0 }]],
    ["tags.kind = 'bulk'", [{ type: 'tag', key: 'kind', comparator: '=', value: 'bulk' }]],
    ["name LIKE 'gr-%'", [{ type: 'attribute', key: 'name', comparator: 'LIKE', value: 'gr-%' }]],
    // Spec §15.2 example.
    [
      "name LIKE 'prod-%' AND tags.team = 'ml'",
      [
        { type: 'attribute', key: 'name', comparator: 'LIKE', value: 'prod-%' },
        { type: 'tag', key: 'team', comparator: '=', value: 'ml' },
      ],
    ],
  ];
  for (const [filter, expected] of cases) {
    it(JSON.stringify(filter), () => assert.deepEqual(parseExperimentFilter(filter), expected));
  }
});

describe('parseExperimentFilter: errors', () => {
  it("name === 'x' (errors.jsonl: a 500 in MLflow) is a 400 naming the comparator", () => {
    assertInvalid(
      () => parseExperimentFilter("name === 'x'"),
      "Invalid comparator '===' not one of '{'LIKE', 'ILIKE', '=', '!='}'",
    );
  });

  it("artifact_location = 'x' (errors.jsonl)", () => {
    assertInvalid(
      () => parseExperimentFilter("artifact_location = 'x'"),
      "Invalid attribute key 'artifact_location' specified. Valid keys are " +
        "'{'last_update_time', 'creation_time', 'name'}'",
    );
  });

  it('compares word comparators verbatim: lower-case like is rejected (§4.0)', () => {
    assertInvalid(() => parseExperimentFilter("name like 'a%'"), /^Invalid comparator 'like' not one of/);
    assertInvalid(() => parseExperimentFilter("tags.t ilike 'a%'"), 'Invalid comparator for tag: ilike');
    assert.equal(parseExperimentFilter("name LIKE 'a%' and tags.t = 'x'").length, 2);
  });

  it('numeric attributes take numbers and numeric comparators', () => {
    assertInvalid(
      () => parseExperimentFilter("creation_time > '5'"),
      "Expected numeric value type for numeric attribute: creation_time. Found '5'",
    );
    assertInvalid(
      () => parseExperimentFilter('creation_time LIKE 5'),
      /^Invalid comparator 'LIKE' not one of/,
    );
  });

  it('string attributes and tags take quoted strings, no lists', () => {
    assertInvalid(
      () => parseExperimentFilter('name = 5'),
      'Expected a quoted string value for attributes. Got value 5',
    );
    assertInvalid(
      () => parseExperimentFilter("name IN ('a')"),
      "Only the 'run_id' attribute supports comparison with a list of quoted string values.",
    );
    assertInvalid(
      () => parseExperimentFilter("tags.t IN ('a')"),
      "Expected a quoted string value for tag (e.g. 'my-value'). Got value ('a')",
    );
    assertInvalid(() => parseExperimentFilter('name = prod'), /not quoted/);
  });

  it('only attribute, tag and tags prefixes exist', () => {
    assertInvalid(
      () => parseExperimentFilter("attributes.name = 'x'"),
      "Invalid entity type 'attributes'. Valid entity types are ('attribute', 'tag', 'tags')",
    );
    assertInvalid(() => parseExperimentFilter('metrics.a > 1'), /^Invalid entity type 'metrics'/);
  });

  it('lists invalid clauses unquoted', () => {
    assertInvalid(
      () => parseExperimentFilter("name = 'a' OR name = 'b'"),
      'Invalid clause(s) in filter string: OR',
    );
  });

  it('absent or empty filter matches everything', () => {
    assert.deepEqual(parseExperimentFilter(undefined), []);
    assert.deepEqual(parseExperimentFilter(''), []);
  });
});
