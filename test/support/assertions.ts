import assert from 'node:assert/strict';
import { MlflowError } from '@mlflow-ts/server';

/** The promise rejects with an MlflowError of this code (and a message matching the pattern). */
export function rejectsWith(p: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  return assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof MlflowError, `expected MlflowError, got ${err}`);
    assert.equal(err.code, code);
    if (message) assert.match(err.message, message);
    return true;
  });
}
