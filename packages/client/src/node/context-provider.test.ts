import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { getTrackingUri, resolveClientOptions } from '../config.ts';
import { getContextProvider, setContextProvider } from '../context.ts';
import * as mlflow from '../fluent.ts';
import { fakeMlflow } from '../testing/fake-mlflow.ts';
import { requestsTo, startRecordingServer } from '../testing/recording-server.ts';
import { createNodeContextProvider, loginName } from './context-provider.ts';
import { readGitCommit } from './git.ts';

const SHA1 = '1b0e5b1e2c3d4e5f60718293a4b5c6d7e8f90123';
const SHA2 = 'ffeeddccbbaa99887766554433221100ffeeddcc';

let root: string;
before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'mlflow-ts-git-'));
});
after(() => rm(root, { recursive: true, force: true }));

/** A fake checkout: just the files our reader looks at, no git binary involved. */
async function repo(name: string, files: Record<string, string>): Promise<string> {
  const dir = path.join(root, name);
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  return dir;
}

describe('readGitCommit', () => {
  test('branch with a loose ref, found from a nested directory', async () => {
    const dir = await repo('loose', {
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.git/refs/heads/main': `${SHA1}\n`,
      'src/deep/train.js': '',
    });
    assert.equal(await readGitCommit(path.join(dir, 'src/deep')), SHA1);
  });

  test('branch only in packed-refs', async () => {
    const dir = await repo('packed', {
      '.git/HEAD': 'ref: refs/heads/feature/x\n',
      '.git/packed-refs': `# pack-refs with: peeled fully-peeled sorted\n${SHA2} refs/heads/feature/x\n^${SHA1}\n${SHA1} refs/tags/v1\n`,
    });
    assert.equal(await readGitCommit(dir), SHA2);
  });

  test('detached HEAD', async () => {
    const dir = await repo('detached', { '.git/HEAD': `${SHA2}\n` });
    assert.equal(await readGitCommit(dir), SHA2);
  });

  test('worktree: .git file pointing at a gitdir whose refs live in commondir', async () => {
    const main = await repo('main-repo', {
      '.git/refs/heads/wt': `${SHA1}\n`,
      '.git/HEAD': 'ref: refs/heads/main\n',
    });
    const wt = await repo('worktree', {
      '.git': `gitdir: ${path.join(main, '.git/worktrees/wt')}\n`,
    });
    await repo('main-repo/.git/worktrees/wt', { HEAD: 'ref: refs/heads/wt\n', commondir: '../..\n' });
    assert.equal(await readGitCommit(wt), SHA1);
  });

  test('unborn branch or no repository gives undefined', async () => {
    const unborn = await repo('unborn', { '.git/HEAD': 'ref: refs/heads/main\n' });
    assert.equal(await readGitCommit(unborn), undefined);
    // The temp dir is not inside a checkout (mkdtemp under the OS temp dir).
    const plain = await repo('plain', { 'x.txt': '' });
    assert.equal(await readGitCommit(plain), undefined);
  });
});

describe('Node context provider', () => {
  test('system tags: user, entry script, LOCAL, git commit', async () => {
    const dir = await repo('proj', {
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.git/refs/heads/main': `${SHA1}\n`,
      'train.js': '',
    });
    const provider = createNodeContextProvider({
      entryScript: path.join(dir, 'train.js'),
      env: { USER: 'alice' },
    });
    assert.deepEqual(await provider.runTags(), {
      'mlflow.user': 'alice',
      'mlflow.source.name': path.join(dir, 'train.js'),
      'mlflow.source.type': 'LOCAL',
      'mlflow.source.git.commit': SHA1,
    });
    const outside = createNodeContextProvider({ entryScript: undefined, env: {} });
    const tags = await outside.runTags();
    assert.equal(tags['mlflow.source.name'], '<console>');
    assert.equal('mlflow.source.git.commit' in tags, false);
  });

  test('login name follows getpass order (LOGNAME first), then the OS', () => {
    assert.equal(loginName({ USER: 'u', LOGNAME: 'l' }), 'l');
    assert.equal(typeof loginName({}), 'string');
  });

  test('MLFLOW_* variables configure the tracking URI and credentials', () => {
    const previous = getContextProvider();
    setContextProvider(
      createNodeContextProvider({
        env: {
          MLFLOW_TRACKING_URI: 'http://tracking.example:5000',
          MLFLOW_TRACKING_TOKEN: 'tok',
          MLFLOW_HTTP_REQUEST_TIMEOUT: '7',
          MLFLOW_HTTP_REQUEST_MAX_RETRIES: '2',
        },
      }),
    );
    try {
      assert.equal(getTrackingUri(), 'http://tracking.example:5000');
      assert.deepEqual(resolveClientOptions({ maxRetries: 9 }), {
        trackingUri: 'http://tracking.example:5000',
        token: 'tok',
        timeoutMs: 7000,
        maxRetries: 9,
      });
    } finally {
      setContextProvider(previous);
    }
  });

  test('a fluent run started from a script in a checkout carries the commit and the user', async () => {
    const dir = await repo('fluent-proj', { '.git/HEAD': `${SHA2}\n`, 'run.js': '' });
    const previous = getContextProvider();
    setContextProvider(
      createNodeContextProvider({ entryScript: path.join(dir, 'run.js'), env: { LOGNAME: 'root' } }),
    );
    const server = await startRecordingServer(fakeMlflow().handler);
    try {
      mlflow.setTrackingUri(server.uri);
      const run = await mlflow.startRun({ experimentId: '0' });
      await run.end();
      const body = requestsTo(server, 'runs/create')[0]?.json as {
        user_id: string;
        tags: { key: string; value: string }[];
      };
      assert.equal(body.user_id, 'root');
      const tags = Object.fromEntries(body.tags.map((t) => [t.key, t.value]));
      assert.equal(tags['mlflow.source.git.commit'], SHA2);
      assert.equal(tags['mlflow.source.type'], 'LOCAL');
    } finally {
      setContextProvider(previous);
      await server.close();
    }
  });
});
