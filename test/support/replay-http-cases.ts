// Case tables for test/http-protocol.test.ts: filter injection attempts, wrong JSON types, failing batches.
import type { Json } from './replay-http.ts';

/** runs/search filters that try to break out of a literal or a key: each must give 400 or no run. */
export const INJECTION_FILTERS: readonly string[] = [
  "params.a = 'x'' OR 1=1 --'",
  'metrics.`a; DROP TABLE runs` > 0',
  "params.a = 'x\\' OR \\'1\\'=\\'1'",
  "params.a = 'x\\'",
  'tags.t = "v\\" OR \\"1\\"=\\"1"',
  "attributes.run_name = 'victim'; DELETE FROM runs; --'",
  "params.a LIKE '%'' OR ''1''=''1'",
  'params."a) OR 1=1 --" = \'x\'',
  "attributes.run_id IN ('x'') OR (''1''=''1')",
  "params.a = 'x' AND 1=1",
  "params.a = 'x'/**/OR/**/1=1",
  "tags.`t'` = 'v'",
  'metrics.m > 0 UNION SELECT * FROM runs',
  "params.`a` = 'x' OR params.`a` != 'x'",
];

/** runs/search order_by clauses with SQL in them: each must give 400 or the run. */
export const INJECTION_ORDER_BY: readonly string[] = [
  'metrics.`m` DESC; DROP TABLE runs',
  'params.a ASC, (SELECT 1)',
  "tags.`t'` DESC",
];

/** [name, path, body, expected message]: each must give 400 INVALID_PARAMETER_VALUE and write nothing. */
export function wrongTypeCases(
  ids: () => { experimentId: string; runId: string },
): [string, string, () => Json, RegExp][] {
  const experimentId = () => ids().experimentId;
  const runId = () => ids().runId;
  return [
    [
      'string for int64',
      '/runs/create',
      () => ({ experiment_id: experimentId(), run_name: 'typed', start_time: 'abc' }),
      /^Invalid value abc for parameter 'start_time' supplied\. Hint: Value was of type 'str'\./,
    ],
    ['object for string', '/experiments/create', () => ({ name: { a: 1 } }), /parameter 'name'.*'dict'/],
    [
      'bool for double',
      '/runs/log-metric',
      () => ({ run_id: runId(), key: 'typed', value: true, timestamp: 1 }),
      /parameter 'value'.*'bool'/,
    ],
    [
      'float for int64',
      '/runs/log-metric',
      () => ({ run_id: runId(), key: 'typed', value: 1, timestamp: 1.5 }),
      /parameter 'timestamp'/,
    ],
    [
      'list for string',
      '/runs/set-tag',
      () => ({ run_id: runId(), key: ['typed'], value: 'v' }),
      /parameter 'key'/,
    ],
    [
      'number for a message list',
      '/runs/log-batch',
      () => ({ run_id: runId(), tags: [{ key: 'typed', value: 'v' }], metrics: 5 }),
      /parameter 'metrics/,
    ],
  ];
}

/** log-batch bodies (added to a valid metric and tag) that must fail as a whole; the run has param p=1. */
export const FAILING_BATCHES: readonly [string, (run: string) => Json][] = [
  [
    'a param that conflicts with a logged one',
    (run) => ({
      params: [
        { key: 'fresh', value: 'n' },
        { key: 'p', value: '2' },
      ],
      run_id: run,
    }),
  ],
  [
    'an invalid metric key after a valid metric',
    (run) => ({
      metrics: [
        { key: 'ok', value: 1, timestamp: 1, step: 0 },
        { key: 'bad!key', value: 1, timestamp: 1 },
      ],
      run_id: run,
    }),
  ],
  [
    'duplicate param keys',
    (run) => ({
      params: [
        { key: 'd', value: '1' },
        { key: 'd', value: '2' },
      ],
      run_id: run,
    }),
  ],
  [
    'a tag value over 5000 characters',
    (run) => ({ tags: [{ key: 'long', value: 'x'.repeat(5001) }], run_id: run }),
  ],
];
