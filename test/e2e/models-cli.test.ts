import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { BIN, SPLIT, serveModel as serve } from '../support/models-process.ts';

const MODELS = fileURLToPath(new URL('../fixtures/models/', import.meta.url));
const run = promisify(execFile);

describe('mlflow-ts models serve (ONNX logreg)', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  before(async () => {
    server = await serve(['-m', join(MODELS, 'onnx/logreg'), '--workers', '2']);
  });
  after(async () => {
    const code = await server.stop();
    assert.equal(code, 0, `exits cleanly on SIGTERM; its output:\n${server.output()}`);
  });

  it('answers /ping, /health and /version as MLflow does', async () => {
    for (const path of ['/ping', '/health']) {
      const res = await fetch(server.url + path);
      assert.equal(res.status, 200);
      assert.equal(await res.text(), '\n');
    }
    assert.equal(await (await fetch(`${server.url}/version`)).text(), '2.9.2');
  });

  it('scores dataframe_split and CSV, one record per row', async () => {
    const res = await fetch(`${server.url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(SPLIT),
    });
    assert.equal(res.status, 200);
    assert.ok(res.headers.get('x-mlflow-model-version'));
    const body = (await res.json()) as { predictions: { label: number; probabilities: number[] }[] };
    assert.deepEqual(
      body.predictions.map((p) => p.label),
      [0, 2],
    );
    const csv = await fetch(`${server.url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n',
    });
    assert.equal(((await csv.json()) as { predictions: { label: number }[] }).predictions[0]!.label, 0);
  });

  it('bad input is a 4xx with MLflow error JSON, never a 500', async () => {
    const res = await fetch(`${server.url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ dataframe_records: [{ sepal_length: 'abc' }] }),
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error_code: string }).error_code, 'INVALID_PARAMETER_VALUE');
    const plain = await fetch(`${server.url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'x',
    });
    assert.equal(plain.status, 415);
  });
});

describe('mlflow-ts models predict and errors', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mlflow-ts-predict-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('streams a CSV through the model to CSV and JSON lines, in input order', async () => {
    const rows = 50_000;
    const lines = ['sepal_length,sepal_width,petal_length,petal_width'];
    for (let i = 0; i < rows; i++) lines.push(i % 2 ? '6.7,3.0,5.2,2.3' : '5.1,3.5,1.4,0.2');
    writeFileSync(join(dir, 'in.csv'), `${lines.join('\n')}\n`);
    const model = join(MODELS, 'onnx/logreg');
    await run(process.execPath, [
      BIN,
      'models',
      'predict',
      '-m',
      model,
      '-i',
      join(dir, 'in.csv'),
      '-o',
      join(dir, 'out.csv'),
      '--threads',
      '2',
      '--chunk-bytes',
      '4096',
    ]);
    const out = readFileSync(join(dir, 'out.csv'), 'utf8').trimEnd().split('\n');
    assert.equal(out[0], 'label,probabilities');
    assert.equal(out.length, rows + 1);
    out.slice(1).forEach((l, i) => {
      if (!l.startsWith(i % 2 ? '2,' : '0,')) assert.fail(`row ${i}: ${l}`);
    });
    await run(process.execPath, [
      BIN,
      'models',
      'predict',
      '-m',
      model,
      '-i',
      join(dir, 'in.csv'),
      '-o',
      join(dir, 'out.jsonl'),
    ]);
    const jsonl = readFileSync(join(dir, 'out.jsonl'), 'utf8').trimEnd().split('\n');
    assert.equal(jsonl.length, rows);
    assert.equal((JSON.parse(jsonl[1]!) as { label: number }).label, 2);
  });

  it('a Python-only model fails with the flavors it has', async () => {
    await assert.rejects(
      run(process.execPath, [BIN, 'models', 'serve', '-m', join(MODELS, 'sklearn-iris'), '--port', '0']),
      (err: Error & { stderr: string }) => {
        assert.match(
          err.stderr,
          /has no flavor mlflow-ts can run: it has \[python_function \(loader_module mlflow\.sklearn\), sklearn\]/,
        );
        return true;
      },
    );
  });
});
