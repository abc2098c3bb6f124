// The ArtifactRepository conformance suite on local disk and on a real S3-compatible server (s3rver,
// started by scripts/test.mjs), plus what only the local store has to guard: symlinks out of the root.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { createS3Client, LocalArtifactRepository, S3ArtifactRepository } from '@mlflow-ts/server';
import { rejectsWith } from '../support/assertions.ts';
import { s3Skip, s3TestSettings, s3TestUri } from '../support/s3.ts';
import { repositoryConformance } from './repository-conformance.ts';

describe('local artifact repository', () => {
  repositoryConformance(
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mlflow-ts-repo-'));
      return {
        repo: new LocalArtifactRepository(dir),
        cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
    { multipart: true, strictMultipart: true },
  );

  it('refuses symlinks that lead out of the root, for reads, writes and listings', async () => {
    const base = mkdtempSync(join(tmpdir(), 'mlflow-ts-repo-'));
    try {
      const root = join(base, 'root');
      const outside = join(base, 'outside');
      mkdirSync(root);
      mkdirSync(outside);
      writeFileSync(join(outside, 'secret.txt'), 'secret');
      symlinkSync(outside, join(root, 'escape'));
      symlinkSync(join(outside, 'secret.txt'), join(root, 'secret-link'));
      symlinkSync(join(outside, 'not-yet'), join(root, 'dangling'));
      const repo = new LocalArtifactRepository(root);
      await rejectsWith(repo.read('escape/secret.txt'), 'INVALID_PARAMETER_VALUE', /^Invalid path$/);
      await rejectsWith(repo.read('secret-link'), 'INVALID_PARAMETER_VALUE');
      await rejectsWith(repo.write('escape/new/file.txt', Readable.from(['x'])), 'INVALID_PARAMETER_VALUE');
      await rejectsWith(repo.write('dangling', Readable.from(['x'])), 'INVALID_PARAMETER_VALUE');
      await rejectsWith(repo.list('escape'), 'INVALID_PARAMETER_VALUE');
      await rejectsWith(repo.delete('escape'), 'INVALID_PARAMETER_VALUE');
      assert.deepEqual(await repo.list(''), [], 'escaping links are not listed');
      assert.deepEqual(readdirSync(outside), ['secret.txt'], 'nothing written outside the root');
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('keeps its staging area out of reach of clients', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlflow-ts-repo-'));
    try {
      const repo = new LocalArtifactRepository(dir);
      await repo.createMultipartUpload('x.bin');
      assert.deepEqual(await repo.list(''), []);
      await rejectsWith(repo.list('.mlflow-ts-staging'), 'INVALID_PARAMETER_VALUE');
      await rejectsWith(repo.read('.mlflow-ts-staging/x'), 'INVALID_PARAMETER_VALUE');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('S3 artifact repository (s3rver)', { skip: s3Skip() }, () => {
  repositoryConformance(
    async () => {
      const client = createS3Client(s3TestSettings()!);
      const repo = new S3ArtifactRepository(s3TestUri(), client);
      return {
        repo,
        cleanup: async () => {
          await repo.delete('');
          client.destroy();
        },
      };
    },
    { multipart: true, strictMultipart: false },
  );
});
