import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertInvalid } from './assert-invalid.testutil.ts';
import {
  parseExperimentOrderBy,
  parseModelVersionOrderBy,
  parseRegisteredModelOrderBy,
  parseRunOrderBy,
  splitOrderByClause,
} from './order-by.ts';
import type {
  ExperimentOrderKey,
  ModelVersionOrderKey,
  RegisteredModelOrderKey,
  RunOrderKey,
} from './types.ts';

describe('splitOrderByClause', () => {
  it('defaults to ascending; direction is case-insensitive', () => {
    assert.deepEqual(splitOrderByClause('metrics.loss'), { identifier: 'metrics.loss', ascending: true });
    assert.deepEqual(splitOrderByClause('name desc'), { identifier: 'name', ascending: false });
    assert.deepEqual(splitOrderByClause('name Asc'), { identifier: 'name', ascending: true });
  });

  it('rejects anything but `<identifier> [ASC|DESC]`', () => {
    assertInvalid(() => splitOrderByClause(''), "Invalid order_by clause ''. Could not be parsed.");
    assertInvalid(
      () => splitOrderByClause('name ASC extra'),
      "Invalid order_by clause 'name ASC extra'. Could not be parsed.",
    );
    assertInvalid(() => splitOrderByClause("'name' ASC"), /Could not be parsed/);
    assertInvalid(() => splitOrderByClause('name, start_time'), /Could not be parsed/);
    assertInvalid(() => splitOrderByClause('name UP'), "Invalid ordering key in order_by clause 'name UP'.");
  });
});

describe('parseRunOrderBy: every order_by recorded (search.jsonl, errors.jsonl)', () => {
  const cases: [string[], RunOrderKey[]][] = [
    [['metrics.acc DESC'], [{ type: 'metric', key: 'acc', ascending: false }]],
    [['metrics.acc ASC'], [{ type: 'metric', key: 'acc', ascending: true }]],
    [['metrics.loss'], [{ type: 'metric', key: 'loss', ascending: true }]],
    [
      ['params.model ASC', 'metrics.acc DESC'],
      [
        { type: 'param', key: 'model', ascending: true },
        { type: 'metric', key: 'acc', ascending: false },
      ],
    ],
    [['params.depth DESC'], [{ type: 'param', key: 'depth', ascending: false }]],
    [['attributes.start_time ASC'], [{ type: 'attribute', key: 'start_time', ascending: true }]],
    [['attributes.start_time DESC'], [{ type: 'attribute', key: 'start_time', ascending: false }]],
    [['start_time DESC'], [{ type: 'attribute', key: 'start_time', ascending: false }]],
    [['attributes.end_time DESC'], [{ type: 'attribute', key: 'end_time', ascending: false }]],
    [['tags.team DESC'], [{ type: 'tag', key: 'team', ascending: false }]],
    [['tags.`mlflow.runName` ASC'], [{ type: 'tag', key: 'mlflow.runName', ascending: true }]],
    [['attributes.run_name ASC'], [{ type: 'attribute', key: 'run_name', ascending: true }]],
    [['run_name DESC'], [{ type: 'attribute', key: 'run_name', ascending: false }]],
    [
      ['attributes.status ASC', 'attributes.start_time DESC'],
      [
        { type: 'attribute', key: 'status', ascending: true },
        { type: 'attribute', key: 'start_time', ascending: false },
      ],
    ],
    [['metrics.`my metric` DESC'], [{ type: 'metric', key: 'my metric', ascending: false }]],
    [['attributes.created ASC'], [{ type: 'attribute', key: 'start_time', ascending: true }]],
    // Spec §15.1 example.
    [
      ['metrics.rmse ASC', 'attributes.start_time DESC'],
      [
        { type: 'metric', key: 'rmse', ascending: true },
        { type: 'attribute', key: 'start_time', ascending: false },
      ],
    ],
  ];
  for (const [orderBy, expected] of cases) {
    it(JSON.stringify(orderBy), () => assert.deepEqual(parseRunOrderBy(orderBy), expected));
  }

  it('["foo.bar DESC"] (errors.jsonl)', () => {
    assertInvalid(
      () => parseRunOrderBy(['foo.bar DESC']),
      "Invalid entity type 'foo'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']",
    );
  });

  it('["metrics.acc DOWN"] (errors.jsonl)', () => {
    assertInvalid(
      () => parseRunOrderBy(['metrics.acc DOWN']),
      "Invalid ordering key in order_by clause 'metrics.acc DOWN'.",
    );
  });
});

describe('parseRunOrderBy: rules (§4.1)', () => {
  it('absent or empty ⇒ no keys', () => {
    assert.deepEqual(parseRunOrderBy(undefined), []);
    assert.deepEqual(parseRunOrderBy([]), []);
  });

  it('accepts every run attribute and entity alias, double-quoted keys too', () => {
    const keys = parseRunOrderBy([
      'run_id',
      'attr.user_id',
      'run.artifact_uri DESC',
      'Created',
      'params."a b"',
      'parameter.c',
      'tag.d',
      'metric.e',
    ]);
    assert.deepEqual(
      keys.map((k) => `${k.type}:${k.key}:${k.ascending}`),
      [
        'attribute:run_id:true',
        'attribute:user_id:true',
        'attribute:artifact_uri:false',
        'attribute:start_time:true',
        'param:a b:true',
        'param:c:true',
        'tag:d:true',
        'metric:e:true',
      ],
    );
  });

  it('rejects duplicated fields, aliases included', () => {
    assertInvalid(
      () => parseRunOrderBy(['start_time ASC', 'created DESC']),
      "`order_by` contains duplicate fields: ['start_time ASC', 'created DESC']",
    );
    assertInvalid(() => parseRunOrderBy(['metrics.a', 'metrics.a DESC']), /duplicate fields/);
    assert.equal(parseRunOrderBy(['metrics.a', 'params.a', 'tags.a']).length, 3);
  });

  it('rejects unknown attributes, `run name` spellings and datasets', () => {
    assertInvalid(
      () => parseRunOrderBy(['experiment_id']),
      /^Invalid attribute key 'experiment_id' specified/,
    );
    assertInvalid(() => parseRunOrderBy(['`Run Name` ASC']), /^Invalid attribute key 'Run Name' specified/);
    assertInvalid(() => parseRunOrderBy(['datasets.name']), "Invalid identifier type 'dataset'");
  });
});

describe('parseExperimentOrderBy (tracking-experiments.jsonl, errors.jsonl, §4.2)', () => {
  const cases: [string[], ExperimentOrderKey[]][] = [
    [['name ASC'], [{ type: 'attribute', key: 'name', ascending: true }]],
    [['name DESC'], [{ type: 'attribute', key: 'name', ascending: false }]],
    [['name'], [{ type: 'attribute', key: 'name', ascending: true }]],
    [
      ['creation_time DESC', 'name ASC'],
      [
        { type: 'attribute', key: 'creation_time', ascending: false },
        { type: 'attribute', key: 'name', ascending: true },
      ],
    ],
    [['last_update_time ASC'], [{ type: 'attribute', key: 'last_update_time', ascending: true }]],
    [['experiment_id DESC'], [{ type: 'attribute', key: 'experiment_id', ascending: false }]],
    [['attribute.name'], [{ type: 'attribute', key: 'name', ascending: true }]],
  ];
  for (const [orderBy, expected] of cases) {
    it(JSON.stringify(orderBy), () => assert.deepEqual(parseExperimentOrderBy(orderBy), expected));
  }

  it('["color ASC"] (errors.jsonl)', () => {
    assertInvalid(
      () => parseExperimentOrderBy(['color ASC']),
      "Invalid attribute key 'color' specified. Valid keys are " +
        "'{'last_update_time', 'experiment_id', 'creation_time', 'name'}'",
    );
  });

  it('rejects tags; accepts a repeated field like MLflow', () => {
    assertInvalid(() => parseExperimentOrderBy(['tags.team']), 'Invalid order_by entity: tag');
    assert.equal(parseExperimentOrderBy(['name ASC', 'name DESC']).length, 2);
    assert.deepEqual(parseExperimentOrderBy(undefined), []);
  });
});

describe('parseRegisteredModelOrderBy (registry.jsonl, §4.3)', () => {
  const cases: [string[], RegisteredModelOrderKey[]][] = [
    [['name DESC'], [{ type: 'attribute', key: 'name', ascending: false }]],
    [['name ASC'], [{ type: 'attribute', key: 'name', ascending: true }]],
    [
      ['last_updated_timestamp DESC'],
      [{ type: 'attribute', key: 'last_updated_timestamp', ascending: false }],
    ],
    [['timestamp ASC'], [{ type: 'attribute', key: 'last_updated_timestamp', ascending: true }]],
  ];
  for (const [orderBy, expected] of cases) {
    it(JSON.stringify(orderBy), () => assert.deepEqual(parseRegisteredModelOrderBy(orderBy), expected));
  }

  it('rejects creation_timestamp and prefixed keys; timestamp duplicates last_updated_timestamp', () => {
    assertInvalid(
      () => parseRegisteredModelOrderBy(['creation_timestamp DESC']),
      "Invalid order by key 'creation_timestamp' specified. Valid keys are '{'name', 'timestamp'}'",
    );
    assertInvalid(() => parseRegisteredModelOrderBy(['tags.x']), /^Invalid order by key 'tags.x'/);
    assertInvalid(
      () => parseRegisteredModelOrderBy(['timestamp', 'last_updated_timestamp DESC']),
      "`order_by` contains duplicate fields: ['timestamp', 'last_updated_timestamp DESC']",
    );
  });
});

describe('parseModelVersionOrderBy (registry.jsonl, §4.4)', () => {
  const cases: [string[], ModelVersionOrderKey[]][] = [
    [['version_number DESC'], [{ type: 'attribute', key: 'version_number', ascending: false }]],
    [['creation_timestamp ASC'], [{ type: 'attribute', key: 'creation_timestamp', ascending: true }]],
    [
      ['last_updated_timestamp', 'name DESC'],
      [
        { type: 'attribute', key: 'last_updated_timestamp', ascending: true },
        { type: 'attribute', key: 'name', ascending: false },
      ],
    ],
  ];
  for (const [orderBy, expected] of cases) {
    it(JSON.stringify(orderBy), () => assert.deepEqual(parseModelVersionOrderBy(orderBy), expected));
  }

  it('rejects unknown keys, tags and duplicates', () => {
    assertInvalid(() => parseModelVersionOrderBy(['run_id']), /^Invalid attribute key 'run_id' specified/);
    assertInvalid(() => parseModelVersionOrderBy(['tags.k']), /^Invalid order by key 'k' specified/);
    assertInvalid(() => parseModelVersionOrderBy(['name', 'name DESC']), /duplicate fields/);
  });
});
