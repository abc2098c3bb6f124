import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { experimentNameFilter, quoteKey, quoteString } from './filter.ts';

describe('search grammar helpers', () => {
  it('leaves plain keys bare and backticks the rest', () => {
    assert.equal(quoteKey('loss'), 'loss');
    assert.equal(quoteKey('val_loss2'), 'val_loss2');
    assert.equal(quoteKey('val loss'), '`val loss`');
    assert.equal(quoteKey('mlflow.runName'), '`mlflow.runName`');
    assert.equal(quoteKey('2nd'), '`2nd`');
    assert.equal(quoteKey('a`b'), '"a`b"');
  });

  it('quotes strings with the quote they do not contain', () => {
    assert.equal(quoteString('abc'), "'abc'");
    assert.equal(quoteString("it's"), `"it's"`);
  });

  it('builds a case-insensitive name search, nothing for blank text', () => {
    assert.equal(experimentNameFilter(' prod '), "name ILIKE '%prod%'");
    assert.equal(experimentNameFilter("bob's"), `name ILIKE "%bob's%"`);
    assert.equal(experimentNameFilter('  '), '');
  });
});
