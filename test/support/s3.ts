// The S3-compatible server the artifact tests use: scripts/test.mjs starts s3rver and exports
// MLFLOW_TS_TEST_S3_ENDPOINT (bucket `mlflow`, key/secret `S3RVER`). Without it the S3 tests skip with a
// loud line; under CI=true they fail instead (architecture §5).
import { randomBytes } from 'node:crypto';
import type { S3Settings } from '@mlflow-ts/server';

export const S3_TEST_BUCKET = 'mlflow';

export function s3TestSettings(): S3Settings | undefined {
  const endpoint = process.env.MLFLOW_TS_TEST_S3_ENDPOINT;
  if (!endpoint) return undefined;
  return { endpointUrl: endpoint, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', region: 'us-east-1' };
}

/** The reason to skip S3 tests here, or false to run them; throws under CI, where skipping is not allowed. */
export function s3Skip(): string | false {
  if (s3TestSettings()) return false;
  const ci = process.env.CI === 'true' || process.env.CI === '1';
  if (ci && !process.env.MLFLOW_TS_TEST_NO_SERVICES) {
    throw new Error('MLFLOW_TS_TEST_S3_ENDPOINT is not set and CI=true: S3 artifact tests must run in CI');
  }
  process.stderr.write(
    `\n${'!'.repeat(80)}\n!!! no S3 server (MLFLOW_TS_TEST_S3_ENDPOINT unset): S3 artifact tests are SKIPPED\n${'!'.repeat(80)}\n`,
  );
  return 'no S3 server (run through scripts/test.mjs, which starts s3rver)';
}

/** A fresh key prefix per test, so tests sharing the bucket never see each other's objects. */
export function s3TestUri(): string {
  return `s3://${S3_TEST_BUCKET}/t-${randomBytes(6).toString('hex')}`;
}
