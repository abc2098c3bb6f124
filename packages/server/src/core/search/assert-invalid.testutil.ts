// Shared by this folder's tests: the parser threw MLflow's 400 INVALID_PARAMETER_VALUE (with this message).
import assert from 'node:assert/strict';
import { MlflowError } from '../mlflow-error.ts';

export function assertInvalid(fn: () => unknown, message?: string | RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof MlflowError, `expected MlflowError, got ${String(err)}`);
    assert.equal(err.code, 'INVALID_PARAMETER_VALUE');
    assert.equal(err.httpStatus, 400);
    if (typeof message === 'string') assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  });
}
