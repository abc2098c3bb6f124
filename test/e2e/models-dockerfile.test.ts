// `mlflow-ts models generate-dockerfile`: the written build context (no docker here), and the bundle it
// copies actually serving the copied model once its packages are present (node_modules linked in, as the
// image's `npm install` would provide them).
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/mlflow-ts.mjs');
const LOGREG = join(ROOT, 'test/fixtures/models/onnx/logreg');
const run = promisify(execFile);

describe('mlflow-ts models generate-dockerfile', () => {
  let dir: string;
  let out: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mlflow-ts-dockerfile-'));
    out = join(dir, 'ctx');
    const { stdout } = await run(process.execPath, [
      BIN,
      'models',
      'generate-dockerfile',
      '-m',
      LOGREG,
      '-d',
      out,
    ]);
    assert.match(stdout, /Wrote .*Dockerfile/);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a Node image definition that serves the copied model on 8080', () => {
    const text = readFileSync(join(out, 'Dockerfile'), 'utf8');
    assert.match(text, /^FROM node:20-bookworm-slim$/m);
    assert.match(text, /^ENV NODE_ENV=production \\\n\s+ONNXRUNTIME_NODE_INSTALL=skip/m);
    assert.match(text, /^COPY model_dir\/ \/opt\/ml\/model\/$/m);
    assert.match(text, /^EXPOSE 8080$/m);
    const entry = /^ENTRYPOINT (\[.*\])$/m.exec(text);
    assert.ok(entry, 'an exec-form ENTRYPOINT');
    assert.deepEqual(JSON.parse(entry[1]!), [
      'node',
      '/opt/mlflow-ts/bin/mlflow-ts.mjs',
      'models',
      'serve',
      '-m',
      '/opt/ml/model',
      '--host',
      '0.0.0.0',
      '--port',
      '8080',
    ]);
    // The model is copied byte for byte.
    for (const f of ['MLmodel', 'model.onnx']) {
      assert.ok(readFileSync(join(out, 'model_dir', f)).equals(readFileSync(join(LOGREG, f))), f);
    }
  });

  it('pins every package the bundle imports to the version installed here', () => {
    const pkg = JSON.parse(readFileSync(join(out, 'mlflow-ts/package.json'), 'utf8'));
    assert.equal(pkg.type, 'module');
    for (const name of ['fastify', 'onnxruntime-node', 'commander', 'yaml']) {
      const installed = JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8'));
      assert.equal(pkg.dependencies[name], installed.version, name);
    }
    for (const f of ['dist/cli.mjs', 'dist/inference-worker.mjs', 'bin/mlflow-ts.mjs']) {
      assert.ok(existsSync(join(out, 'mlflow-ts', f)), f);
    }
  });

  it('the copied bundle serves the copied model', async () => {
    symlinkSync(join(ROOT, 'node_modules'), join(out, 'mlflow-ts/node_modules'), 'dir');
    const child = spawn(
      process.execPath,
      [
        join(out, 'mlflow-ts/bin/mlflow-ts.mjs'),
        'models',
        'serve',
        '-m',
        join(out, 'model_dir'),
        '--port',
        '0',
      ],
      { env: { ...process.env, MLFLOW_TS_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      let log = '';
      const url = await new Promise<string>((resolve, reject) => {
        const onData = (c: Buffer) => {
          log += c;
          const m = /listening on (http:\/\/\S+)/.exec(log);
          if (m) resolve(m[1]!);
        };
        child.stdout!.on('data', onData);
        child.stderr!.on('data', onData);
        child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${log}`)));
      });
      const res = await fetch(`${url}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          dataframe_split: {
            columns: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'],
            data: [[6.7, 3.0, 5.2, 2.3]],
          },
        }),
      });
      assert.equal(res.status, 200);
      assert.equal((await res.json()).predictions[0].label, 2);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('refuses a folder that is not a model', async () => {
    await assert.rejects(
      run(process.execPath, [BIN, 'models', 'generate-dockerfile', '-m', dir, '-d', join(dir, 'x')]),
      /no MLmodel file/,
    );
  });
});
