import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { TrackingService } from '../services/tracking-service.ts';
import { buildApp } from './build-app.ts';
import { isUiPath } from './ui-static.ts';

// No request here reaches the tracking service: a bare instance stands in for one over a database.
const deps = () => ({ tracking: Object.create(TrackingService.prototype) as TrackingService });

describe('web UI static files', () => {
  let dir: string;
  let app: FastifyInstance;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mlflow-ts-ui-static-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>mlflow-ts app</title>');
    writeFileSync(join(dir, 'assets', 'index-AbC123.js'), 'console.log(1)');
    writeFileSync(join(dir, 'favicon.svg'), '<svg/>');
    app = buildApp(deps(), { uiDir: dir });
    await app.ready();
  });
  after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers / and any app path with index.html, not cached', async () => {
    for (const url of ['/', '/runs/abc?tab=charts', '/models/iris/versions/3', '/compare']) {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 200, url);
      assert.match(res.body, /mlflow-ts app/);
      assert.equal(res.headers['cache-control'], 'no-cache');
      assert.match(String(res.headers['content-type']), /^text\/html/);
    }
  });

  it('serves hashed assets for a year and other files with revalidation', async () => {
    const js = await app.inject({ url: '/static-files/assets/index-AbC123.js' });
    assert.equal(js.statusCode, 200);
    assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
    const svg = await app.inject({ url: '/static-files/favicon.svg' });
    assert.equal(svg.headers['cache-control'], 'no-cache');
  });

  it('keeps API errors as JSON: unknown path 404, wrong method 405, missing asset 404', async () => {
    const unknown = await app.inject({ url: '/api/2.0/mlflow/nope' });
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().error_code, 'ENDPOINT_NOT_FOUND');
    const wrongMethod = await app.inject({ url: '/ajax-api/2.0/mlflow/runs/create' });
    assert.equal(wrongMethod.statusCode, 405);
    const asset = await app.inject({ url: '/static-files/assets/missing.js' });
    assert.equal(asset.statusCode, 404);
    const post = await app.inject({ method: 'POST', url: '/runs/abc' });
    assert.equal(post.statusCode, 404, 'only GET falls back to the app');
  });

  it('shows the placeholder when the UI is not built', async () => {
    const bare = buildApp(deps(), { uiDir: join(dir, 'not-there') });
    const res = await bare.inject({ url: '/' });
    assert.match(res.body, /mlflow-ts/);
    assert.equal((await bare.inject({ url: '/runs/abc' })).statusCode, 404);
    await bare.close();
  });

  it('tells app paths from API paths', () => {
    for (const p of ['/', '/runs/x', '/models', '/experiments/1', '/healthy-runs']) assert.ok(isUiPath(p), p);
    for (const p of [
      '/api/2.0/x',
      '/ajax-api/2.0/x',
      '/health',
      '/version',
      '/get-artifact',
      '/static-files/x',
    ]) {
      assert.ok(!isUiPath(p), p);
    }
  });
});
