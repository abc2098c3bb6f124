import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertInvalid } from './assert-invalid.testutil.ts';
import { parseRunFilter } from './run-filter.ts';
import type { RunClause } from './types.ts';

const ATTRIBUTE_KEYS =
  "'{'run name', 'end_time', 'user_id', 'created', 'Created', 'run_id', 'Run name', 'artifact_uri', " +
  "'Run Name', 'start_time', 'status', 'run_name'}'";

describe('parseRunFilter: every filter recorded with a 200 (search.jsonl, datasets.jsonl, errors.jsonl)', () => {
  const cases: [string, RunClause[]][] = [
    ['', []],
    ['metrics.acc > 0.8', [{ type: 'metric', key: 'acc', comparator: '>', value: 0.8 }]],
    [
      'metrics.acc >= 0.81 and metrics.loss < 0.5',
      [
        { type: 'metric', key: 'acc', comparator: '>=', value: 0.81 },
        { type: 'metric', key: 'loss', comparator: '<', value: 0.5 },
      ],
    ],
    ['metrics.`my metric` = 1', [{ type: 'metric', key: 'my metric', comparator: '=', value: 1 }]],
    ['metrics.acc != 0.81', [{ type: 'metric', key: 'acc', comparator: '!=', value: 0.81 }]],
    ['metrics.loss <= 1', [{ type: 'metric', key: 'loss', comparator: '<=', value: 1 }]],
    ['metric.acc > 0.9', [{ type: 'metric', key: 'acc', comparator: '>', value: 0.9 }]],
    ['metrics.acc > 0.5', [{ type: 'metric', key: 'acc', comparator: '>', value: 0.5 }]],
    ["params.model = 'rf'", [{ type: 'param', key: 'model', comparator: '=', value: 'rf' }]],
    ["params.model != 'rf'", [{ type: 'param', key: 'model', comparator: '!=', value: 'rf' }]],
    ['params.model = "lr"', [{ type: 'param', key: 'model', comparator: '=', value: 'lr' }]],
    [
      "params.`param with space` = 'a'",
      [{ type: 'param', key: 'param with space', comparator: '=', value: 'a' }],
    ],
    ["params.model LIKE 'r%'", [{ type: 'param', key: 'model', comparator: 'LIKE', value: 'r%' }]],
    ["params.model ILIKE 'R%'", [{ type: 'param', key: 'model', comparator: 'ILIKE', value: 'R%' }]],
    ["param.depth = '0'", [{ type: 'param', key: 'depth', comparator: '=', value: '0' }]],
    [
      "params.model = 'does-not-exist'",
      [{ type: 'param', key: 'model', comparator: '=', value: 'does-not-exist' }],
    ],
    ["tags.team = 'red'", [{ type: 'tag', key: 'team', comparator: '=', value: 'red' }]],
    ["tags.team != 'red'", [{ type: 'tag', key: 'team', comparator: '!=', value: 'red' }]],
    ["tags.team LIKE '%lue'", [{ type: 'tag', key: 'team', comparator: 'LIKE', value: '%lue' }]],
    ["tags.team ILIKE 'blue'", [{ type: 'tag', key: 'team', comparator: 'ILIKE', value: 'blue' }]],
    ["tag.env = 'dev'", [{ type: 'tag', key: 'env', comparator: '=', value: 'dev' }]],
    [
      "tags.`mlflow.runName` = 'gbm'",
      [{ type: 'tag', key: 'mlflow.runName', comparator: '=', value: 'gbm' }],
    ],
    // Split on the FIRST dot only (§4.0): the key keeps its dot without backticks.
    ["tags.mlflow.runName = 'gbm'", [{ type: 'tag', key: 'mlflow.runName', comparator: '=', value: 'gbm' }]],
    [
      "attributes.status = 'FINISHED'",
      [{ type: 'attribute', key: 'status', comparator: '=', value: 'FINISHED' }],
    ],
    [
      "attribute.status != 'RUNNING'",
      [{ type: 'attribute', key: 'status', comparator: '!=', value: 'RUNNING' }],
    ],
    [
      "attributes.run_name = 'rf-small'",
      [{ type: 'attribute', key: 'run_name', comparator: '=', value: 'rf-small' }],
    ],
    ["attributes.run_name = 'gbm'", [{ type: 'attribute', key: 'run_name', comparator: '=', value: 'gbm' }]],
    ["run_name LIKE 'lr-%'", [{ type: 'attribute', key: 'run_name', comparator: 'LIKE', value: 'lr-%' }]],
    [
      "attributes.run_name ILIKE 'RF%'",
      [{ type: 'attribute', key: 'run_name', comparator: 'ILIKE', value: 'RF%' }],
    ],
    [
      'attributes.start_time > 1700000090000',
      [{ type: 'attribute', key: 'start_time', comparator: '>', value: 1700000090000 }],
    ],
    [
      'attributes.start_time >= 1700000000000 AND attributes.start_time <= 1700000120000',
      [
        { type: 'attribute', key: 'start_time', comparator: '>=', value: 1700000000000 },
        { type: 'attribute', key: 'start_time', comparator: '<=', value: 1700000120000 },
      ],
    ],
    [
      'attributes.end_time > 1700000060000',
      [{ type: 'attribute', key: 'end_time', comparator: '>', value: 1700000060000 }],
    ],
    [
      "attributes.run_id = 'd0f02d2b9c164e959d6187049a7d0dc0'",
      [{ type: 'attribute', key: 'run_id', comparator: '=', value: 'd0f02d2b9c164e959d6187049a7d0dc0' }],
    ],
    [
      "attributes.run_id IN ('93b36929f53b46da9487d8a8734bfbca', 'efa6b7b2fa9043cdbd68ac8036967103')",
      [
        {
          type: 'attribute',
          key: 'run_id',
          comparator: 'IN',
          value: ['93b36929f53b46da9487d8a8734bfbca', 'efa6b7b2fa9043cdbd68ac8036967103'],
        },
      ],
    ],
    [
      "attributes.user_id = 'unknown'",
      [{ type: 'attribute', key: 'user_id', comparator: '=', value: 'unknown' }],
    ],
    [
      "attributes.artifact_uri LIKE '%artifacts'",
      [{ type: 'attribute', key: 'artifact_uri', comparator: 'LIKE', value: '%artifacts' }],
    ],
    [
      'attributes.created > 1700000090000',
      [{ type: 'attribute', key: 'start_time', comparator: '>', value: 1700000090000 }],
    ],
    [
      'attributes.Created > 1700000090000',
      [{ type: 'attribute', key: 'start_time', comparator: '>', value: 1700000090000 }],
    ],
    [
      "metrics.acc > 0.8 AND params.model = 'rf' AND tags.team = 'red'",
      [
        { type: 'metric', key: 'acc', comparator: '>', value: 0.8 },
        { type: 'param', key: 'model', comparator: '=', value: 'rf' },
        { type: 'tag', key: 'team', comparator: '=', value: 'red' },
      ],
    ],
    [
      "params.model like 'l%' and tags.team ilike 'B%'",
      [
        { type: 'param', key: 'model', comparator: 'LIKE', value: 'l%' },
        { type: 'tag', key: 'team', comparator: 'ILIKE', value: 'B%' },
      ],
    ],
    ["params.a = '1' AND", [{ type: 'param', key: 'a', comparator: '=', value: '1' }]],
    ["datasets.name = 'train-df'", [{ type: 'dataset', key: 'name', comparator: '=', value: 'train-df' }]],
    ["datasets.digest = 'abc123'", [{ type: 'dataset', key: 'digest', comparator: '=', value: 'abc123' }]],
    ["datasets.context = 'eval'", [{ type: 'dataset', key: 'context', comparator: '=', value: 'eval' }]],
    [
      "datasets.name IN ('hand-made', 'eval-np')",
      [{ type: 'dataset', key: 'name', comparator: 'IN', value: ['hand-made', 'eval-np'] }],
    ],
    ["datasets.name LIKE '%-df'", [{ type: 'dataset', key: 'name', comparator: 'LIKE', value: '%-df' }]],
  ];
  for (const [filter, expected] of cases) {
    it(JSON.stringify(filter), () => assert.deepEqual(parseRunFilter(filter), expected));
  }
});

describe('parseRunFilter: every filter recorded with a 400, with its message', () => {
  const cases: [string, string][] = [
    [
      "params.depth IN ('3', '10')",
      "Expected a quoted string value for parameter (e.g. 'my-value'). Got value ('3', '10')",
    ],
    [
      "params.depth NOT IN ('3', '10')",
      "Expected a quoted string value for parameter (e.g. 'my-value'). Got value ('3', '10')",
    ],
    [
      "tags.team IN ('red', 'Blue')",
      "Expected a quoted string value for tag (e.g. 'my-value'). Got value ('red', 'Blue')",
    ],
    [
      "attributes.status IN ('FAILED', 'KILLED')",
      "Only the 'run_id' attribute supports comparison with a list of quoted string values.",
    ],
    [
      "attributes.status NOT IN ('FAILED', 'KILLED')",
      "Only the 'run_id' attribute supports comparison with a list of quoted string values.",
    ],
    ['metrics.acc >>> 1', "Invalid comparator '>>>' not one of '{'<', '>', '<=', '!=', '=', '>='}"],
    [
      'foo.bar = 1',
      "Invalid entity type 'foo'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']",
    ],
    [
      'params.model = rf',
      'Parameter value is either not quoted or unidentified quote types used for string value rf. ' +
        'Use either single or double quotes.',
    ],
    ["metrics.acc = 'x'", "Expected numeric value type for metric. Found 'x'"],
    ["params.a = '1' OR params.b = '2'", "Invalid clause(s) in filter string: 'OR'"],
    ['metrics.acc IS NULL', "Invalid clause(s) in filter string: 'metrics.acc', 'IS', 'NULL'"],
    ["metrics.acc LIKE '1%'", "Expected numeric value type for metric. Found '1%'"],
    ["attributes.color = 'red'", `Invalid attribute key 'color' specified. Valid keys are ${ATTRIBUTE_KEYS}`],
    ["params.a = '1", "Invalid clause(s) in filter string: 'params.a', '=', ''', '1'"],
    [
      'params.a IN (1, 2)',
      "Expected a quoted string value for parameter (e.g. 'my-value'). Got value (1, 2)",
    ],
    ["(params.a = '1')", "Invalid clause(s) in filter string: '(params.a = '1')'"],
    ['acc > 1', `Invalid attribute key 'acc' specified. Valid keys are ${ATTRIBUTE_KEYS}`],
  ];
  for (const [filter, message] of cases) {
    it(JSON.stringify(filter), () => assertInvalid(() => parseRunFilter(filter), message));
  }
});
