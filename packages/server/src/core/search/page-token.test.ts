import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertInvalid } from './assert-invalid.testutil.ts';
import { decodePageToken, encodePageToken } from './page-token.ts';

describe('page tokens (§3.2)', () => {
  // Spec §3.2 plus every token the real server emitted in the recordings.
  const recorded: [number, string][] = [
    [100, 'eyJvZmZzZXQiOiAxMDB9'],
    [1, 'eyJvZmZzZXQiOiAxfQ=='],
    [2, 'eyJvZmZzZXQiOiAyfQ=='],
    [3, 'eyJvZmZzZXQiOiAzfQ=='],
    [4, 'eyJvZmZzZXQiOiA0fQ=='],
  ];
  for (const [offset, token] of recorded) {
    it(`offset ${offset} ⇔ ${token}`, () => {
      assert.equal(encodePageToken(offset), token);
      assert.equal(decodePageToken(token), offset);
    });
  }

  it('encodes the exact text {"offset": N}', () => {
    assert.equal(Buffer.from(encodePageToken(12345), 'base64').toString('utf8'), '{"offset": 12345}');
  });

  it('absent or empty token ⇒ offset 0', () => {
    assert.equal(decodePageToken(undefined), 0);
    assert.equal(decodePageToken(''), 0);
  });

  it('accepts an offset of 0 and a numeric string, like int()', () => {
    assert.equal(decodePageToken(Buffer.from('{"offset": 0}').toString('base64')), 0);
    assert.equal(decodePageToken(Buffer.from('{"offset": "7"}').toString('base64')), 7);
  });

  it('"garbage" (errors.jsonl)', () => {
    assertInvalid(() => decodePageToken('garbage'), 'Invalid page token, could not base64-decode');
  });

  it('rejects tokens that decode to something other than an offset object', () => {
    const b64 = (s: string): string => Buffer.from(s).toString('base64');
    assertInvalid(() => decodePageToken(b64('not json')), 'Invalid page token, decoded value=not json');
    assertInvalid(() => decodePageToken(b64('{"page": 2}')), 'Invalid page token, parsed value={"page": 2}');
    assertInvalid(() => decodePageToken(b64('[1]')), /^Invalid page token, parsed value=/);
    assertInvalid(() => decodePageToken(b64('{"offset": "x"}')), 'Invalid page token, not stringable x');
    assertInvalid(() => decodePageToken(b64('{"offset": -1}')), /^Invalid page token, not stringable -1/);
    assertInvalid(() => decodePageToken(b64('{"offset": 1.5}')), /^Invalid page token, not stringable/);
    assertInvalid(() => decodePageToken('eyJvZmZzZXQiOiAxfQ'), 'Invalid page token, could not base64-decode');
  });

  it('refuses to encode a negative or fractional offset', () => {
    assert.throws(() => encodePageToken(-1), RangeError);
    assert.throws(() => encodePageToken(1.5), RangeError);
  });
});
