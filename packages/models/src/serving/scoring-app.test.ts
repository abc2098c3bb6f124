import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { createScorer, type Scorer } from './scorer.ts';
import { buildScoringApp } from './scoring-app.ts';

const FIXTURES = new URL('../../../../test/fixtures/models/', import.meta.url);

interface Example {
  seq: number;
  scenario: string;
  request: { method: string; path: string; content_type: string | null; body: string | null };
  response: { status: number; content_type: string; body: string };
}

const examples: Example[] = readFileSync(new URL('serving/examples.jsonl', FIXTURES), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l));

/**
 * Where we answer differently from MLflow 2.9.2 on purpose (docs/models.md): never a 500 for the
 * caller's mistake, and list-of-records accepted in `inputs` as it is in `instances`.
 */
const DIFFERENCES: Record<number, { status: number; body?: string; match?: RegExp }> = {
  8: { status: 400, match: /column-based signature with columns \['sepal_length'/ },
  10: { status: 200, body: '{"predictions": [0, 2]}' },
  11: { status: 400, match: /column-based signature/ },
  15: {
    status: 400,
    match:
      /column 'petal_width' \(type double\) is required by the model signature but has a null value in row 0/,
  },
  18: {
    status: 400,
    match: /^Model is missing inputs \['sepal_length', 'sepal_width', 'petal_length', 'petal_width'\]/,
  },
  21: {
    status: 400,
    match:
      /^Model is missing inputs \['petal_width'\] \(expected petal_width: double\)\. Note that there were extra inputs: \['WRONG'\]$/,
  },
  27: { status: 415, match: /only supports the following content types/ },
  29: { status: 400, match: /^Model is missing inputs \['petal_width'\]/ },
};

describe('scoring server replays the recorded MLflow examples', () => {
  let scorer: Scorer;
  let app: FastifyInstance;
  before(async () => {
    // A js_function model with the recorded model's signature, answering the same classes.
    scorer = await createScorer(fileURLToPath(new URL('js/iris-rules', FIXTURES)), { threads: 1 });
    app = buildScoringApp(scorer);
  });
  after(async () => {
    await app.close();
    await scorer.close();
  });

  for (const ex of examples) {
    it(`#${ex.seq} ${ex.scenario}`, async () => {
      const headers: Record<string, string> = {};
      if (ex.request.content_type) headers['content-type'] = ex.request.content_type;
      const res = await app.inject({
        method: ex.request.method as 'GET' | 'POST',
        url: ex.request.path,
        headers,
        ...(ex.request.body !== null ? { payload: ex.request.body } : {}),
      });
      const diff = DIFFERENCES[ex.seq];
      if (!diff) {
        assert.equal(res.statusCode, ex.response.status);
        assert.equal(res.body, ex.response.body);
        assert.equal(
          String(res.headers['content-type']).split(';')[0],
          ex.response.content_type.split(';')[0],
        );
        return;
      }
      assert.equal(res.statusCode, diff.status);
      if (diff.body) assert.equal(res.body, diff.body);
      if (diff.match) {
        const text = String(res.headers['content-type']).startsWith('application/json')
          ? JSON.parse(res.body).message
          : res.body;
        assert.match(text, diff.match);
      }
    });
  }

  it('merges concurrent requests into fewer inference calls, each answered with its own rows', async () => {
    const batches: number[] = [];
    const batching = await createScorer(fileURLToPath(new URL('js/iris-rules', FIXTURES)), {
      threads: 1,
      onBatch: (_rows, requests) => batches.push(requests),
    });
    const batchApp = buildScoringApp(batching);
    try {
      const rows = [
        [5.1, 3.5, 1.4, 0.2, 0],
        [6.7, 3.0, 5.2, 2.3, 2],
        [5.9, 3.0, 4.2, 1.5, 1],
      ];
      const responses = await Promise.all(
        Array.from({ length: 60 }, (_, i) => {
          const row = rows[i % 3]!;
          return batchApp
            .inject({
              method: 'POST',
              url: '/invocations',
              headers: { 'content-type': 'application/json' },
              payload: JSON.stringify({
                dataframe_split: {
                  columns: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'],
                  data: [row.slice(0, 4)],
                },
              }),
            })
            .then((r) => [r.body, row[4]] as const);
        }),
      );
      for (const [body, label] of responses) assert.equal(body, `{"predictions": [${label}]}`);
      assert.equal(
        batches.reduce((a, b) => a + b, 0),
        60,
      );
      assert.ok(batches.length < 60, `60 requests took ${batches.length} inference calls`);
    } finally {
      await batchApp.close();
      await batching.close();
    }
  });

  it('/metrics counts requests, errors, latency and batch sizes in Prometheus text', async () => {
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    assert.match(
      res.body,
      /^mlflow_ts_requests_total\{model_version="[^"]+",status="200",role="answer"\} \d+$/m,
    );
    assert.match(res.body, /^mlflow_ts_errors_total\{model_version="[^"]+",error_code="BAD_REQUEST"\} \d+$/m);
    assert.match(
      res.body,
      /^mlflow_ts_request_duration_seconds_bucket\{model_version="[^"]+",le="\+Inf"\} \d+$/m,
    );
  });
});
