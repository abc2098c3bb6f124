// One behaviour suite for every ArtifactRepository (architecture §5): run against local disk and a real
// S3-compatible server (s3rver) by repositories.test.ts.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { it } from 'node:test';
import type { ArtifactRepository } from '@mlflow-ts/server';
import { rejectsWith } from '../support/assertions.ts';

export type RepositoryFactory = () => Promise<{ repo: ArtifactRepository; cleanup(): Promise<void> }>;

export interface ConformanceOptions {
  multipart: boolean;
  /** Aborts uploads and checks part ETags on completion (s3rver 3.7 does neither: 405 on abort). */
  strictMultipart: boolean;
}

const body = (s: string | Buffer) => Readable.from([Buffer.from(s)]);

async function bytes(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** A body that sends some bytes, then fails — an upload whose client went away. */
function failingBody(): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(Buffer.alloc(1024, 1));
      } else {
        this.destroy(new Error('client went away'));
      }
    },
  });
}

export function repositoryConformance(factory: RepositoryFactory, options: ConformanceOptions): void {
  const withRepo = (fn: (repo: ArtifactRepository) => Promise<void>) => async () => {
    const { repo, cleanup } = await factory();
    try {
      await fn(repo);
    } finally {
      await cleanup();
    }
  };

  it(
    'writes, stats and reads a file, also by byte range',
    withRepo(async (repo) => {
      assert.deepEqual(await repo.write('a/b/hello.txt', body('hello world\n')), { size: 12 });
      assert.deepEqual(await repo.stat('a/b/hello.txt'), { isDir: false, size: 12 });
      assert.deepEqual(await repo.stat('a/b'), { isDir: true, size: 0 });
      assert.equal(await repo.stat('a/missing'), undefined);
      assert.equal(await text(await repo.read('a/b/hello.txt')), 'hello world\n');
      assert.equal(await text(await repo.read('a/b/hello.txt', { start: 6, end: 10 })), 'world');
    }),
  );

  it(
    'lists direct children sorted by name, directories without size, [] for files and missing paths',
    withRepo(async (repo) => {
      await repo.write('d/z.txt', body('zz'));
      await repo.write('d/a.bin', body('a'));
      // Every directory holds a file of its own: s3rver does not report a prefix whose objects all lie
      // two or more levels down (real S3 does), and the suite must pass on both.
      await repo.write('d/sub/s.txt', body('s'));
      await repo.write('d/sub/deep/x', body('x'));
      await repo.write('d/empty', body(''));
      assert.deepEqual(await repo.list('d'), [
        { name: 'a.bin', isDir: false, size: 1 },
        { name: 'empty', isDir: false, size: 0 },
        { name: 'sub', isDir: true },
        { name: 'z.txt', isDir: false, size: 2 },
      ]);
      assert.deepEqual(await repo.list('d/sub'), [
        { name: 'deep', isDir: true },
        { name: 's.txt', isDir: false, size: 1 },
      ]);
      assert.deepEqual(await repo.list('d/z.txt'), []);
      assert.deepEqual(await repo.list('nope'), []);
      assert.deepEqual(await repo.list(''), [{ name: 'd', isDir: true }]);
      assert.equal((await bytes(await repo.read('d/empty'))).length, 0);
    }),
  );

  it(
    'overwrites a file; a failed write keeps the previous content and leaves no partial file',
    withRepo(async (repo) => {
      await repo.write('f.txt', body('first'));
      await repo.write('f.txt', body('second'));
      assert.equal(await text(await repo.read('f.txt')), 'second');
      await assert.rejects(repo.write('f.txt', failingBody()));
      await assert.rejects(repo.write('new.txt', failingBody()));
      assert.equal(await text(await repo.read('f.txt')), 'second');
      assert.equal(await repo.stat('new.txt'), undefined);
      assert.deepEqual(
        (await repo.list('')).map((e) => e.name),
        ['f.txt'],
      );
    }),
  );

  it(
    'deletes files and whole directories; deleting nothing is not an error',
    withRepo(async (repo) => {
      await repo.write('keep/k.txt', body('k'));
      await repo.write('gone/one.txt', body('1'));
      await repo.write('gone/deep/two.txt', body('2'));
      await repo.write('file.txt', body('f'));
      await repo.delete('gone');
      await repo.delete('file.txt');
      await repo.delete('never/was');
      assert.deepEqual(await repo.list(''), [{ name: 'keep', isDir: true }]);
      assert.equal(await repo.stat('gone/deep/two.txt'), undefined);
    }),
  );

  it(
    'refuses unsafe paths and reports missing files as RESOURCE_DOES_NOT_EXIST',
    withRepo(async (repo) => {
      for (const bad of ['../x', 'a/../../x', '/etc/passwd', 'a\\b', 'a//b']) {
        await rejectsWith(repo.read(bad), 'INVALID_PARAMETER_VALUE');
        await rejectsWith(repo.write(bad, body('x')), 'INVALID_PARAMETER_VALUE');
      }
      await rejectsWith(repo.read('no/such.txt'), 'RESOURCE_DOES_NOT_EXIST');
    }),
  );

  it(
    'writes a body of known length in one streamed request',
    withRepo(async (repo) => {
      const data = randomBytes(300_000);
      assert.deepEqual(await repo.write('sized.bin', body(data), { contentLength: data.length }), {
        size: data.length,
      });
      assert.ok((await bytes(await repo.read('sized.bin'))).equals(data));
    }),
  );

  it(
    'multipart: parts joined in order on complete; abort and a wrong ETag leave no file',
    { skip: options.multipart ? false : 'the store has no multipart API' },
    withRepo(async (repo) => {
      // S3 wants every part but the last to be at least 5 MiB.
      const first = randomBytes(5 * 1024 * 1024);
      const second = Buffer.from('tail');
      const id = await repo.createMultipartUpload('mp/big.bin');
      const e2 = await repo.uploadPart('mp/big.bin', id, 2, body(second), second.length);
      const e1 = await repo.uploadPart('mp/big.bin', id, 1, body(first), first.length);
      assert.equal(await repo.stat('mp/big.bin'), undefined, 'no file before complete');
      await repo.completeMultipartUpload('mp/big.bin', id, [
        { partNumber: 2, etag: e2 },
        { partNumber: 1, etag: e1 },
      ]);
      const got = await bytes(await repo.read('mp/big.bin'));
      assert.equal(
        createHash('sha256').update(got).digest('hex'),
        createHash('sha256')
          .update(Buffer.concat([first, second]))
          .digest('hex'),
      );

      if (options.strictMultipart) {
        const aborted = await repo.createMultipartUpload('mp/aborted.bin');
        await repo.uploadPart('mp/aborted.bin', aborted, 1, body(second), second.length);
        await repo.abortMultipartUpload('mp/aborted.bin', aborted);
        assert.equal(await repo.stat('mp/aborted.bin'), undefined);
      }

      if (options.strictMultipart) {
        const wrong = await repo.createMultipartUpload('mp/wrong.bin');
        await repo.uploadPart('mp/wrong.bin', wrong, 1, body(second), second.length);
        await assert.rejects(
          repo.completeMultipartUpload('mp/wrong.bin', wrong, [
            { partNumber: 1, etag: '0123456789abcdef0123456789abcdef' },
          ]),
        );
        assert.equal(await repo.stat('mp/wrong.bin'), undefined);
        await repo.abortMultipartUpload('mp/wrong.bin', wrong);
      }
    }),
  );
}
