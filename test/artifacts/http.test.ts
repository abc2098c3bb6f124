// The artifact endpoints over HTTP (spec §1.3, §1.5, §3.5): buildApp() + inject() for the request/response
// rules, a real listening server for what needs a socket (an upload cut off midway, a streamed 50 MB body).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '../support/app.ts';

const FILES = '/api/2.0/mlflow-artifacts/artifacts';
const MPU = '/api/2.0/mlflow-artifacts/mpu';

describe('artifact proxy over HTTP', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp('sqlite');
  });
  after(() => t.close());

  const put = (path: string, payload: string | Buffer, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'PUT', url: `${FILES}/${path}`, payload, headers });

  it('uploads, lists, downloads with ranges and deletes', async () => {
    assert.equal(
      (await put('1/r/artifacts/a.txt', 'hello world\n', { 'content-type': 'text/plain' })).body,
      '{}',
    );
    await put('1/r/artifacts/dir/b.bin', Buffer.from([0, 1, 2, 3]));
    const list = await t.app.inject({ url: `${FILES}?path=1/r/artifacts` });
    assert.deepEqual(list.json(), {
      files: [
        { path: 'a.txt', is_dir: false, file_size: 12 },
        { path: 'dir', is_dir: true },
      ],
    });
    const whole = await t.app.inject({ url: `${FILES}/1/r/artifacts/a.txt` });
    assert.equal(whole.statusCode, 200);
    assert.equal(whole.body, 'hello world\n');
    assert.equal(whole.headers['content-type'], 'text/plain');
    assert.equal(whole.headers['content-disposition'], 'attachment; filename="a.txt"');
    assert.equal(whole.headers['x-content-type-options'], 'nosniff');

    const part = await t.app.inject({
      url: `${FILES}/1/r/artifacts/a.txt`,
      headers: { range: 'bytes=6-10' },
    });
    assert.equal(part.statusCode, 206);
    assert.equal(part.body, 'world');
    assert.equal(part.headers['content-range'], 'bytes 6-10/12');
    const tail = await t.app.inject({ url: `${FILES}/1/r/artifacts/a.txt`, headers: { range: 'bytes=-3' } });
    assert.equal(tail.body, 'ld\n');
    const beyond = await t.app.inject({
      url: `${FILES}/1/r/artifacts/a.txt`,
      headers: { range: 'bytes=50-' },
    });
    assert.equal(beyond.statusCode, 416);
    assert.equal(beyond.headers['content-range'], 'bytes */12');

    assert.equal((await t.app.inject({ method: 'DELETE', url: `${FILES}/1/r/artifacts/dir` })).body, '{}');
    const missing = await t.app.inject({ url: `${FILES}/1/r/artifacts/dir/b.bin` });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error_code, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('run artifacts: /mlflow/artifacts/list with run-relative paths and the UI /get-artifact', async () => {
    const exp = await t.app.inject({
      method: 'POST',
      url: '/api/2.0/mlflow/experiments/create',
      payload: { name: 'art-http' },
    });
    const run = await t.app.inject({
      method: 'POST',
      url: '/api/2.0/mlflow/runs/create',
      payload: { experiment_id: exp.json().experiment_id },
    });
    const { run_id: runId, artifact_uri: root } = run.json().run.info;
    const dir = String(root).replace('mlflow-artifacts:/', '');
    await put(`${dir}/model/MLmodel`, 'flavors: {}\n');
    const listed = await t.app.inject({ url: `/api/2.0/mlflow/artifacts/list?run_id=${runId}&path=model` });
    assert.deepEqual(listed.json(), {
      root_uri: root,
      files: [{ path: 'model/MLmodel', is_dir: false, file_size: 12 }],
    });
    const ui = await t.app.inject({ url: `/get-artifact?run_uuid=${runId}&path=model/MLmodel` });
    assert.equal(ui.statusCode, 200);
    assert.equal(ui.body, 'flavors: {}\n');
    const noRun = await t.app.inject({ url: '/api/2.0/mlflow/artifacts/list?path=x' });
    assert.equal(noRun.statusCode, 400);
  });

  it('answers every traversal attempt 400 "Invalid path" and writes nothing outside the root', async () => {
    const attempts = [
      `${FILES}/..%2F..%2Fescape.txt`,
      `${FILES}/a/..%2F..%2F..%2Fescape.txt`,
      `${FILES}/%252e%252e/%252e%252e/escape.txt`,
      `${FILES}/a%5C..%5C..%5Cescape.txt`,
      `${FILES}/%2Fetc%2Fescape.txt`,
      `${FILES}/C:%5Cescape.txt`,
      `${FILES}/a%00b`,
      `${FILES}/bad%ZZescape`,
    ];
    for (const url of attempts) {
      for (const method of ['PUT', 'GET', 'DELETE'] as const) {
        const res = await t.app.inject({ method, url, payload: method === 'PUT' ? 'x' : undefined });
        assert.equal(res.statusCode, 400, `${method} ${url}`);
        assert.deepEqual(res.json(), { error_code: 'INVALID_PARAMETER_VALUE', message: 'Invalid path' });
      }
    }
    for (const path of ['../', '..%2F..', '/etc', 'a/../../b']) {
      const res = await t.app.inject({ url: `${FILES}?path=${encodeURIComponent(path)}` });
      assert.equal(res.statusCode, 400, path);
    }
    const parent = dirname(t.artifactsDestination);
    assert.ok(!readdirSync(parent).some((n) => n.includes('escape')));
    assert.ok(!existsSync('/etc/escape.txt'));
  });

  it('multipart: create → part uploads through the proxy → complete; abort', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: `${MPU}/create/mp/dir`,
      payload: { path: '/home/me/data/big.bin', num_parts: 2 },
    });
    assert.equal(created.statusCode, 200);
    const { upload_id: uploadId, credentials } = created.json();
    assert.equal(credentials.length, 2);
    const parts = [randomBytes(1000), randomBytes(10)];
    const etags: string[] = [];
    for (const [i, cred] of credentials.entries()) {
      const url = new URL(cred.url);
      assert.equal(cred.part_number, i + 1);
      const res = await t.app.inject({ method: 'PUT', url: url.pathname + url.search, payload: parts[i] });
      assert.equal(res.statusCode, 200);
      etags.push(String(res.headers.etag));
    }
    const done = await t.app.inject({
      method: 'POST',
      url: `${MPU}/complete/mp/dir`,
      payload: {
        path: '/home/me/data/big.bin',
        upload_id: uploadId,
        parts: etags.map((etag, i) => ({ part_number: i + 1, etag })),
      },
    });
    assert.equal(done.statusCode, 200, done.body);
    const got = await t.app.inject({ url: `${FILES}/mp/dir/big.bin` });
    assert.ok(got.rawPayload.equals(Buffer.concat(parts)));

    const second = await t.app.inject({
      method: 'POST',
      url: `${MPU}/create/mp`,
      payload: { path: 'x.bin' },
    });
    const abort = await t.app.inject({
      method: 'POST',
      url: `${MPU}/abort/mp`,
      payload: { path: 'x.bin', upload_id: second.json().upload_id },
    });
    assert.equal(abort.statusCode, 200);
    const unknown = await t.app.inject({
      method: 'POST',
      url: `${MPU}/complete/mp`,
      payload: { path: 'x.bin', upload_id: second.json().upload_id, parts: [{ part_number: 1, etag: 'x' }] },
    });
    assert.equal(unknown.statusCode, 404);
  });
});

describe('artifact proxy switched off (--no-serve-artifacts)', () => {
  it('answers the proxy endpoints 503 plain text', async () => {
    const t = await createTestApp('sqlite', { serveArtifacts: false });
    try {
      const res = await t.app.inject({ url: `${FILES}?path=x` });
      assert.equal(res.statusCode, 503);
      assert.match(String(res.headers['content-type']), /^text\/plain/);
    } finally {
      await t.close();
    }
  });
});

describe('artifact proxy on a real socket', () => {
  let t: TestApp;
  let port = 0;
  before(async () => {
    t = await createTestApp('sqlite');
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });
  after(() => t.close());

  it('an upload cut off midway leaves no file under its name', async () => {
    await new Promise<void>((resolve) => {
      const req = request({
        host: '127.0.0.1',
        port,
        method: 'PUT',
        path: `${FILES}/cut/partial.bin`,
        headers: { 'content-length': String(10 * 1024 * 1024) },
      });
      req.on('error', () => resolve());
      req.write(Buffer.alloc(1024 * 1024, 7), () => {
        // Give the server time to start writing, then vanish mid-body.
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 200);
      });
    });
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(!existsSync(join(t.artifactsDestination, 'cut', 'partial.bin')));
    const staging = join(t.artifactsDestination, '.mlflow-ts-staging');
    assert.deepEqual(
      existsSync(staging) ? readdirSync(staging) : [],
      [],
      'the partial upload was cleaned up',
    );
  });

  it('streams a 50 MB upload and download through the proxy', async () => {
    const data = randomBytes(50 * 1024 * 1024);
    const url = `http://127.0.0.1:${port}${FILES}/big/data.bin`;
    const up = await fetch(url, { method: 'PUT', body: data });
    assert.equal(up.status, 200);
    assert.equal(readFileSync(join(t.artifactsDestination, 'big', 'data.bin')).length, data.length);
    const down = await fetch(url);
    const hash = createHash('sha256');
    for await (const chunk of down.body as unknown as AsyncIterable<Uint8Array>) hash.update(chunk);
    assert.equal(hash.digest('hex'), createHash('sha256').update(data).digest('hex'));
  });
});
