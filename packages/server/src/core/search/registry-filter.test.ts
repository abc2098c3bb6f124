import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertInvalid } from './assert-invalid.testutil.ts';
import { parseModelVersionFilter, parseRegisteredModelFilter, splitPromptFilter } from './registry-filter.ts';
import type { ModelVersionClause, RegisteredModelClause } from './types.ts';

describe('parseRegisteredModelFilter: every filter recorded with a 200 (registry.jsonl)', () => {
  const cases: [string, RegisteredModelClause[]][] = [
    ["name LIKE 'gr-%'", [{ type: 'attribute', key: 'name', comparator: 'LIKE', value: 'gr-%' }]],
    ["name ILIKE 'GR-MODEL%'", [{ type: 'attribute', key: 'name', comparator: 'ILIKE', value: 'GR-MODEL%' }]],
    ["name = 'gr-model'", [{ type: 'attribute', key: 'name', comparator: '=', value: 'gr-model' }]],
    ["tags.domain = 'iris'", [{ type: 'tag', key: 'domain', comparator: '=', value: 'iris' }]],
    ["tags.`stage` LIKE 'g%'", [{ type: 'tag', key: 'stage', comparator: 'LIKE', value: 'g%' }]],
  ];
  for (const [filter, expected] of cases) {
    it(JSON.stringify(filter), () => assert.deepEqual(parseRegisteredModelFilter(filter), expected));
  }
});

describe('parseRegisteredModelFilter: rules and errors (§4.3)', () => {
  it("name ~ 'x' (errors.jsonl)", () => {
    assertInvalid(() => parseRegisteredModelFilter("name ~ 'x'"), 'Invalid comparator for attribute: ~');
  });

  it('version_number = 1 (errors.jsonl)', () => {
    assertInvalid(
      () => parseRegisteredModelFilter('version_number = 1'),
      "Invalid attribute key 'version_number' specified. Valid keys are '{'name'}'",
    );
  });

  it('upper-cases comparators and accepts several tag clauses', () => {
    assert.deepEqual(parseRegisteredModelFilter("name like 'a%' and tag.a = '1' and tags.b ilike 'x'"), [
      { type: 'attribute', key: 'name', comparator: 'LIKE', value: 'a%' },
      { type: 'tag', key: 'a', comparator: '=', value: '1' },
      { type: 'tag', key: 'b', comparator: 'ILIKE', value: 'x' },
    ]);
  });

  it('parses the clause newer clients append (§1.9)', () => {
    assert.deepEqual(
      parseRegisteredModelFilter("name LIKE 'iris%' AND tag.`mlflow.prompt.is_prompt` != 'true'"),
      [
        { type: 'attribute', key: 'name', comparator: 'LIKE', value: 'iris%' },
        { type: 'tag', key: 'mlflow.prompt.is_prompt', comparator: '!=', value: 'true' },
      ],
    );
  });

  it('rejects bad values, comparators and prefixes', () => {
    assertInvalid(() => parseRegisteredModelFilter("tags.t > 'x'"), 'Invalid comparator for tag: >');
    assertInvalid(() => parseRegisteredModelFilter("name IN ('a')"), /Only the 'run_id' attribute/);
    assertInvalid(() => parseRegisteredModelFilter('tags.t = 1'), /Expected a quoted string value for tag/);
    assertInvalid(() => parseRegisteredModelFilter('name = 1'), /Expected a quoted string value or a list/);
    assertInvalid(
      () => parseRegisteredModelFilter("model.name = 'x'"),
      "Invalid entity type 'model'. Valid entity types are ('attribute', 'tag', 'tags')",
    );
    assertInvalid(
      () => parseRegisteredModelFilter("name = 'a' OR name = 'b'"),
      'Invalid clause(s) in filter string: OR',
    );
  });
});

describe('parseModelVersionFilter: every filter recorded with a 200 (registry.jsonl)', () => {
  const cases: [string, ModelVersionClause[]][] = [
    ["name = 'gr-model'", [{ type: 'attribute', key: 'name', comparator: '=', value: 'gr-model' }]],
    ["name = 'gr-model-b'", [{ type: 'attribute', key: 'name', comparator: '=', value: 'gr-model-b' }]],
    ["name LIKE 'gr-model%'", [{ type: 'attribute', key: 'name', comparator: 'LIKE', value: 'gr-model%' }]],
    [
      "run_id = '49594a569ce94ee6b0e63892cb757788'",
      [{ type: 'attribute', key: 'run_id', comparator: '=', value: '49594a569ce94ee6b0e63892cb757788' }],
    ],
    [
      "run_id IN ('c03269b2d1284ddb9910d938cebd6e93', '4ce9d725010c4de0a5cf146184ebc09a')",
      [
        {
          type: 'attribute',
          key: 'run_id',
          comparator: 'IN',
          value: ['c03269b2d1284ddb9910d938cebd6e93', '4ce9d725010c4de0a5cf146184ebc09a'],
        },
      ],
    ],
    [
      "source_path = 'mlflow-artifacts:/1/c03269b2d1284ddb9910d938cebd6e93/artifacts/model'",
      [
        {
          type: 'attribute',
          key: 'source_path',
          comparator: '=',
          value: 'mlflow-artifacts:/1/c03269b2d1284ddb9910d938cebd6e93/artifacts/model',
        },
      ],
    ],
    [
      "name = 'gr-model' AND version_number > 1",
      [
        { type: 'attribute', key: 'name', comparator: '=', value: 'gr-model' },
        { type: 'attribute', key: 'version_number', comparator: '>', value: 1 },
      ],
    ],
    ["tags.k = 'v3'", [{ type: 'tag', key: 'k', comparator: '=', value: 'v3' }]],
  ];
  for (const [filter, expected] of cases) {
    it(JSON.stringify(filter), () => assert.deepEqual(parseModelVersionFilter(filter), expected));
  }
});

describe('parseModelVersionFilter: rules and errors (§4.4)', () => {
  it("name == 'x' (errors.jsonl)", () => {
    assertInvalid(() => parseModelVersionFilter("name == 'x'"), 'Invalid comparator for attribute: ==');
  });

  it("description = 'x' (errors.jsonl)", () => {
    assertInvalid(
      () => parseModelVersionFilter("description = 'x'"),
      "Invalid attribute key 'description' specified. Valid keys are " +
        "'{'run_id', 'source_path', 'version_number', 'name'}'",
    );
  });

  it('run_id IN drops non-lower-case ids; NOT IN and lists on other keys are rejected', () => {
    assert.deepEqual(parseModelVersionFilter("run_id in ('abc', 'ABC')"), [
      { type: 'attribute', key: 'run_id', comparator: 'IN', value: ['abc'] },
    ]);
    assertInvalid(
      () => parseModelVersionFilter("run_id NOT IN ('abc')"),
      'Invalid comparator for attribute: NOT IN',
    );
    assertInvalid(() => parseModelVersionFilter("name IN ('abc')"), /Only the 'run_id' attribute/);
    assertInvalid(() => parseModelVersionFilter("run_id = ('abc')"), 'Invalid comparator for attribute: =');
  });

  it('version_number is numeric, truncated like int()', () => {
    assert.deepEqual(parseModelVersionFilter('version_number <= 2.7'), [
      { type: 'attribute', key: 'version_number', comparator: '<=', value: 2 },
    ]);
    assertInvalid(
      () => parseModelVersionFilter('version_number LIKE 1'),
      'Invalid comparator for attribute version_number: LIKE',
    );
    assertInvalid(() => parseModelVersionFilter("version_number = '1'"), /Expected numeric value type/);
    assertInvalid(() => parseModelVersionFilter('name > 1'), /Expected a quoted string value or a list/);
  });

  it('tags take = != LIKE ILIKE', () => {
    assert.equal(parseModelVersionFilter("tags.t ilike 'a'")[0]?.comparator, 'ILIKE');
    assertInvalid(() => parseModelVersionFilter("tags.t < 'a'"), 'Invalid comparator for tag: <');
  });
});

describe('splitPromptFilter (§1.9)', () => {
  it('drops the appended exclusion clause and asks the caller to hide prompts', () => {
    const clauses = parseRegisteredModelFilter("name = 'a' AND tag.`mlflow.prompt.is_prompt` != 'true'");
    assert.deepEqual(splitPromptFilter(clauses), {
      queryingPrompts: false,
      clauses: [{ type: 'attribute', key: 'name', comparator: '=', value: 'a' }],
    });
  });

  it('without any prompt clause, models only', () => {
    assert.deepEqual(splitPromptFilter(parseRegisteredModelFilter('')), {
      queryingPrompts: false,
      clauses: [],
    });
  });

  it("keeps an explicit prompt query (= 'true' or != 'false')", () => {
    for (const f of [
      "tags.`mlflow.prompt.is_prompt` = 'TRUE'",
      "tags.`mlflow.prompt.is_prompt` != 'false'",
    ]) {
      const clauses = parseModelVersionFilter(f);
      assert.deepEqual(splitPromptFilter(clauses), { queryingPrompts: true, clauses });
    }
  });

  it("treats = 'false' as the default (models only)", () => {
    const clauses = parseRegisteredModelFilter("tags.`mlflow.prompt.is_prompt` = 'false' and tags.x = 'y'");
    assert.deepEqual(splitPromptFilter(clauses).clauses, [
      { type: 'tag', key: 'x', comparator: '=', value: 'y' },
    ]);
  });
});
