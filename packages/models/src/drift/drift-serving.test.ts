/** Drift through the scoring app: a profiled model, its /drift and /metrics, and the signed webhook. */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { createScorer, type Scorer } from '../serving/scorer.ts';
import { buildScoringApp } from '../serving/scoring-app.ts';
import { DriftHub } from './hub.ts';
import { buildTrainingProfile, writeTrainingProfile } from './profile.ts';
import { rng } from './seeded-random.ts';

const LOGREG = fileURLToPath(new URL('../../../../test/fixtures/models/onnx/logreg', import.meta.url));
const COLUMNS = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
const MEANS = [5.8, 3.0, 3.7, 1.2];
const SDS = [0.8, 0.4, 1.7, 0.7];
const SECRET = 'drift-secret';

/** Rows drawn around the iris means; `shift` sds added to petal_length. */
function rows(n: number, seed: number, shift = 0): number[][] {
  const r = rng(seed);
  return Array.from({ length: n }, () =>
    MEANS.map((m, c) => m + SDS[c]! * (r.normal() + (c === 2 ? shift : 0))),
  );
}

describe('drift monitoring in the scoring server', () => {
  let dir: string;
  let scorer: Scorer;
  let hub: DriftHub;
  let app: FastifyInstance;
  let receiver: Server;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mlflow-ts-drift-'));
    await cp(LOGREG, dir, { recursive: true });
    const train = rows(20_000, 1);
    await writeTrainingProfile(
      dir,
      buildTrainingProfile(train.map((row) => Object.fromEntries(COLUMNS.map((c, i) => [c, row[i]])))),
    );
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.end('ok');
      });
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    const port = (receiver.address() as AddressInfo).port;
    scorer = await createScorer(dir, { threads: 0 });
    hub = new DriftHub({
      window: 1000,
      minRows: 500,
      thresholds: { pValue: 0.001, psi: null },
      intervalMs: 0,
      webhook: { url: `http://127.0.0.1:${port}/hook`, secret: SECRET, attempts: 1 },
    });
    app = buildScoringApp(scorer, { drift: hub });
  });
  after(async () => {
    await app.close();
    await hub.stop();
    await scorer.close();
    receiver.close();
    await rm(dir, { recursive: true, force: true });
  });

  const score = async (data: number[][]) => {
    const res = await app.inject({
      method: 'POST',
      url: '/invocations',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ dataframe_split: { columns: COLUMNS, data } }),
    });
    assert.equal(res.statusCode, 200);
  };
  const driftOf = async () => {
    const res = await app.inject({ method: 'GET', url: '/drift' });
    assert.equal(res.statusCode, 200);
    const report = JSON.parse(res.body);
    return new Map<string, { drifting: boolean; p_value: number | null; psi: number | null }>(
      report.models[0].features.map((f: { feature: string }) => [f.feature, f]),
    );
  };

  it('reports no drift for inputs like the training data', async () => {
    const before = await driftOf();
    assert.equal(before.get('petal_length')!.p_value, null); // no values yet
    await score(rows(500, 2));
    await score(rows(500, 3));
    const now = await driftOf();
    for (const c of COLUMNS) {
      // P(p < 0.001) = 0.1 % per feature under no drift.
      assert.equal(now.get(c)!.drifting, false, `${c}: p = ${now.get(c)!.p_value}`);
    }
    await Promise.all(hub.sending);
    assert.equal(received.length, 0);
  });

  it('flags a shifted feature, once, with a signed webhook event', async () => {
    await score(rows(500, 4, 0.5));
    await score(rows(500, 5, 0.5));
    const now = await driftOf();
    assert.equal(now.get('petal_length')!.drifting, true);
    assert.ok(now.get('petal_length')!.p_value! < 1e-6);
    for (const c of ['sepal_length', 'sepal_width', 'petal_width']) assert.equal(now.get(c)!.drifting, false);
    await driftOf(); // a second read while still drifting sends nothing more
    await Promise.all(hub.sending);
    assert.equal(received.length, 1);
    const { headers, body } = received[0]!;
    const id = String(headers['x-mlflow-delivery-id']);
    const ts = String(headers['x-mlflow-timestamp']);
    const mac = createHmac('sha256', SECRET).update(`${id}.${ts}.${body}`).digest('base64');
    assert.equal(headers['x-mlflow-signature'], `v1,${mac}`);
    const event = JSON.parse(body);
    assert.equal(event.entity, 'model_drift');
    assert.equal(event.action, 'detected');
    assert.equal(event.data.feature, 'petal_length');
    assert.equal(event.data.model_version, scorer.version);
    assert.ok(!Number.isNaN(Date.parse(event.timestamp)));

    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    assert.match(metrics, /^mlflow_ts_drift_detected\{model_version="[^"]+",feature="petal_length"\} 1$/m);
    assert.match(metrics, /^mlflow_ts_drift_detected\{model_version="[^"]+",feature="sepal_width"\} 0$/m);
    assert.match(
      metrics,
      /^mlflow_ts_drift_crossings_total\{model_version="[^"]+",feature="petal_length"\} 1$/m,
    );
  });

  it('answers 404 when drift monitoring is off', async () => {
    const plain = buildScoringApp(scorer);
    const res = await plain.inject({ method: 'GET', url: '/drift' });
    assert.equal(res.statusCode, 404);
    assert.equal(JSON.parse(res.body).error_code, 'RESOURCE_DOES_NOT_EXIST');
    await plain.close();
  });
});
