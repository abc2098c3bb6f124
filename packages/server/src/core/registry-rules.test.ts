import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration } from './duration.ts';
import { MlflowError } from './mlflow-error.ts';
import {
  canonicalStage,
  checkArchiveExisting,
  checkRemoteSource,
  isLocalSource,
  localSourcePath,
  parseModelVersion,
  validateAlias,
} from './registry-rules.ts';
import {
  eventKey,
  parseEvents,
  parseWebhookStatus,
  toWireEvent,
  validateWebhookUrl,
} from './webhook-rules.ts';
import { signDelivery, verifyDelivery } from './webhook-signature.ts';

const invalid = (fn: () => unknown, message?: RegExp) =>
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof MlflowError);
    assert.equal(err.code, 'INVALID_PARAMETER_VALUE');
    if (message) assert.match(err.message, message);
    return true;
  });

describe('registry rules', () => {
  it('parses versions like int() and refuses the rest', () => {
    assert.equal(parseModelVersion('3'), 3);
    assert.equal(parseModelVersion(' 7 '), 7);
    invalid(() => parseModelVersion('abc'), /Model version must be an integer, got 'abc'/);
    invalid(() => parseModelVersion('1.5'));
    invalid(() => parseModelVersion('99999999999'));
  });

  it('canonicalises stages and limits archiving to active stages', () => {
    assert.equal(canonicalStage('production'), 'Production');
    assert.equal(canonicalStage('NONE'), 'None');
    invalid(() => canonicalStage('Prod'), /Value must be one of None, Staging, Production, Archived/);
    checkArchiveExisting('Staging', true);
    checkArchiveExisting('None', false);
    invalid(() => checkArchiveExisting('Archived', true), /not an Active stage/);
  });

  it('applies the alias rules in MLflow order', () => {
    validateAlias('champion');
    validateAlias('Shadow_Prod-2');
    invalid(() => validateAlias('bad alias!'), /Invalid alias name: 'bad alias!'/);
    invalid(() => validateAlias('Latest'), /'latest' alias name \(case insensitive\) is reserved/);
    invalid(() => validateAlias('v12'), /Version alias name 'v12' is reserved/);
    invalid(() => validateAlias('a'.repeat(256)));
  });

  it('tells local sources from remote ones and checks remote paths', () => {
    assert.equal(isLocalSource('/tmp/x'), true);
    assert.equal(isLocalSource('relative/x'), true);
    assert.equal(isLocalSource('file:///tmp/x'), true);
    assert.equal(isLocalSource('s3://b/k'), false);
    assert.equal(localSourcePath('file:///tmp/a%20b'), '/tmp/a b');
    for (const ok of [
      's3://b/models/m',
      'mlflow-artifacts:/1/r/artifacts/model',
      'runs:/r/model',
      'models:/m/1',
    ]) {
      checkRemoteSource(ok);
    }
    for (const bad of [
      's3://b/a/../b',
      'http://h/%2e%2e/x',
      'http://h/%252e%252e/x',
      's3://b/a//b',
      's3://b/a%00',
    ]) {
      invalid(() => checkRemoteSource(bad), /Invalid model version source/);
    }
  });

  it('reads gc durations', () => {
    assert.equal(parseDuration('30d'), 30 * 86_400_000);
    assert.equal(parseDuration('1d2h3m4s'), 86_400_000 + 2 * 3_600_000 + 3 * 60_000 + 4000);
    invalid(() => parseDuration(''), /Could not parse duration/);
    invalid(() => parseDuration('2w'));
    invalid(() => parseDuration('3m1h'));
  });
});

describe('webhook rules', () => {
  it('accepts event pairs in either case and refuses unknown ones', () => {
    assert.equal(eventKey({ entity: 'MODEL_VERSION', action: 'CREATED' }), 'model_version.created');
    assert.equal(eventKey({ entity: 'run', action: 'finished' }), 'run.finished');
    invalid(() => eventKey({ entity: 'MODEL_VERSION', action: 'EXPLODED' }), /Invalid webhook event/);
    invalid(() => parseEvents([]), /must not be empty/);
    assert.deepEqual(
      parseEvents([
        { entity: 'RUN', action: 'FAILED' },
        { entity: 'run', action: 'failed' },
      ]),
      ['run.failed'],
    );
    assert.deepEqual(toWireEvent('model_version_alias.created'), {
      entity: 'MODEL_VERSION_ALIAS',
      action: 'CREATED',
    });
  });

  it('takes http(s) URLs without credentials only', () => {
    validateWebhookUrl('https://hooks.example.com/x');
    invalid(() => validateWebhookUrl('file:///etc/passwd'), /scheme/);
    invalid(() => validateWebhookUrl('https://user:pw@h.example.com/'), /credentials/);
    assert.equal(parseWebhookStatus(undefined), 'ACTIVE');
    assert.equal(parseWebhookStatus('disabled'), 'DISABLED');
    invalid(() => parseWebhookStatus('paused'));
  });

  it('signs over id, timestamp and body, and verifies only the exact triple', () => {
    const sig = signDelivery('s', 'id-1', 1700000000, '{"a":1}');
    assert.match(sig, /^v1,[A-Za-z0-9+/]+=*$/);
    const headers = { deliveryId: 'id-1', timestamp: 1700000000, signature: sig };
    assert.equal(verifyDelivery('s', headers, '{"a":1}'), true);
    assert.equal(verifyDelivery('s', headers, '{"a":2}'), false);
    assert.equal(verifyDelivery('other', headers, '{"a":1}'), false);
    assert.equal(verifyDelivery('s', { ...headers, timestamp: 1700000001 }, '{"a":1}'), false);
  });
});
