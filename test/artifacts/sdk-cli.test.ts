// Round trips through a real listening server: the SDK (logArtifact/logArtifacts/logText/logDict,
// listArtifacts, downloadArtifacts of files and folders, runs:/ URIs) and the `mlflow-ts artifacts` CLI.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { MlflowClient } from '@mlflow-ts/client/node';
import { startTestServer } from '../support/app.ts';

const MAIN = fileURLToPath(new URL('../../packages/cli/src/main.ts', import.meta.url));

/** Runs the CLI from its sources (the bundle in dist/ may be older than them). */
async function cli(url: string, args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `const { main } = await import(${JSON.stringify(MAIN)}); await main(process.argv.slice(1));`,
      ...args,
    ],
    { env: { ...process.env, MLFLOW_TRACKING_URI: url } },
  );
  return stdout;
}

describe('artifacts through the SDK and the CLI', () => {
  let server: { url: string; close(): Promise<void> };
  let client: MlflowClient;
  let runId: string;
  let work: string;

  before(async () => {
    server = await startTestServer('sqlite');
    client = new MlflowClient({ trackingUri: server.url, maxRetries: 0 });
    const exp = await client.createExperiment('art-sdk');
    runId = (await client.createRun(exp)).info.run_id;
    work = mkdtempSync(join(tmpdir(), 'mlflow-ts-sdk-art-'));
  });
  after(async () => {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('logs files, folders, text and dicts, lists them, and downloads them back', async () => {
    const src = join(work, 'src');
    mkdirSync(join(src, 'sub', 'deeper'), { recursive: true });
    writeFileSync(join(src, 'a.txt'), 'A\n');
    writeFileSync(join(src, 'sub', 'b.bin'), Buffer.from([1, 2, 3]));
    writeFileSync(join(src, 'sub', 'deeper', 'c.json'), '{"c":3}');
    writeFileSync(join(work, 'single.txt'), 'single');

    await client.logArtifact(runId, join(work, 'single.txt'));
    await client.logArtifacts(runId, src, 'tree', { concurrency: 2 });
    await client.logText(runId, 'some text é\n', 'texts/note.txt');
    await client.logDict(runId, { a: 1, b: [1, 2], c: { d: null } }, 'dicts/d.json');
    await client.logDict(runId, { a: 1, b: [1, 2] }, 'dicts/d.yaml');

    assert.deepEqual(
      (await client.listArtifacts(runId)).map((f) => f.path),
      ['dicts', 'single.txt', 'texts', 'tree'],
    );
    assert.deepEqual(await client.listArtifacts(runId, 'tree/sub'), [
      { path: 'tree/sub/b.bin', is_dir: false, file_size: 3 },
      { path: 'tree/sub/deeper', is_dir: true },
    ]);

    const dst = join(work, 'down');
    const tree = await client.downloadArtifacts({ runId, artifactPath: 'tree', dstPath: dst });
    assert.equal(tree, join(dst, 'tree'));
    assert.equal(readFileSync(join(tree, 'a.txt'), 'utf8'), 'A\n');
    assert.deepEqual([...readFileSync(join(tree, 'sub', 'b.bin'))], [1, 2, 3]);
    assert.equal(readFileSync(join(tree, 'sub', 'deeper', 'c.json'), 'utf8'), '{"c":3}');

    const note = await client.downloadArtifacts({
      artifactUri: `runs:/${runId}/texts/note.txt`,
      dstPath: dst,
    });
    assert.equal(readFileSync(note, 'utf8'), 'some text é\n');
    const yaml = await client.downloadArtifacts({ artifactUri: `runs:/${runId}/dicts/d.yaml`, dstPath: dst });
    assert.equal(readFileSync(yaml, 'utf8'), 'a: 1\nb:\n- 1\n- 2\n');
    const json = await client.downloadArtifacts({ runId, artifactPath: 'dicts/d.json', dstPath: dst });
    assert.equal(
      readFileSync(json, 'utf8'),
      '{\n  "a": 1,\n  "b": [\n    1,\n    2\n  ],\n  "c": {\n    "d": null\n  }\n}',
    );

    await assert.rejects(
      client.downloadArtifacts({ runId, artifactPath: 'no/such.txt', dstPath: dst }),
      (err: Error & { errorCode?: string }) => err.errorCode === 'RESOURCE_DOES_NOT_EXIST',
    );
    // models:/ URIs resolve through the registry: an unknown version is the registry's 404.
    await assert.rejects(
      client.downloadArtifacts({ artifactUri: 'models:/m/1' }),
      (err: Error & { errorCode?: string }) => err.errorCode === 'RESOURCE_DOES_NOT_EXIST',
    );
  });

  it('mlflow-ts artifacts log-artifact | log-artifacts | list | download', async () => {
    const file = join(work, 'cli.txt');
    writeFileSync(file, 'from the cli\n');
    const dir = join(work, 'cli-dir');
    mkdirSync(join(dir, 'x'), { recursive: true });
    writeFileSync(join(dir, 'x', 'y.txt'), 'y');

    await cli(server.url, ['artifacts', 'log-artifact', '-l', file, '-r', runId, '-a', 'cli']);
    await cli(server.url, ['artifacts', 'log-artifacts', '-l', dir, '-r', runId, '-a', 'cli/dir']);
    const listed = JSON.parse(await cli(server.url, ['artifacts', 'list', '-r', runId, '-a', 'cli']));
    assert.deepEqual(listed, [
      { path: 'cli/cli.txt', is_dir: false, file_size: 13 },
      { path: 'cli/dir', is_dir: true },
    ]);
    const dst = join(work, 'cli-down');
    const printed = (
      await cli(server.url, ['artifacts', 'download', '-r', runId, '-a', 'cli', '-d', dst])
    ).trim();
    assert.equal(printed, join(dst, 'cli'));
    assert.equal(readFileSync(join(printed, 'cli.txt'), 'utf8'), 'from the cli\n');
    assert.equal(readFileSync(join(printed, 'dir', 'x', 'y.txt'), 'utf8'), 'y');
  });
});
