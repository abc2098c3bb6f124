import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type RequestLogOptions, requestLogRecord } from './request-log.ts';
import { createScorer, type Scorer } from './scorer.ts';
import { buildScoringApp } from './scoring-app.ts';

const LOGREG = fileURLToPath(new URL('../../../../test/fixtures/models/onnx/logreg', import.meta.url));
const BODY = JSON.stringify({
  dataframe_split: {
    columns: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'],
    data: [[5.1, 3.5, 1.4, 0.2]],
  },
});

/** An app whose pino output is collected as parsed lines. */
function appWith(scorer: Scorer, requestLog: Partial<RequestLogOptions>) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l));
      done();
    },
  });
  const app = buildScoringApp(scorer, { logger: { level: 'info', stream }, requestLog });
  const post = (payload: string, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/invocations',
      headers: { 'content-type': 'application/json', ...headers },
      payload,
    });
  const invocations = () =>
    lines.filter((l) => l.invocation).map((l) => l.invocation as Record<string, unknown>);
  return { app, post, invocations };
}

describe('structured request logs', () => {
  let scorer: Scorer;
  before(async () => {
    scorer = await createScorer(LOGREG, { threads: 0 });
  });
  after(() => scorer.close());

  it('logs one line per request with status, rows, version, request id and error code', async () => {
    const { app, post, invocations } = appWith(scorer, { all: true });
    await post(BODY, { 'x-request-id': 'abc-1' });
    await post('{"dataframe_split": {"columns": ["x"], "data": [[1]]}}');
    const [ok, bad] = invocations();
    assert.equal(ok!.request_id, 'abc-1');
    assert.equal(ok!.status, 200);
    assert.equal(ok!.rows, 1);
    assert.equal(ok!.model_version, scorer.version);
    assert.equal(typeof ok!.duration_ms, 'number');
    assert.equal(ok!.payload, undefined);
    assert.equal(bad!.status, 400);
    assert.equal(bad!.error_code, 'INVALID_PARAMETER_VALUE');
    await app.close();
  });

  it('--log-payloads samples that fraction of requests, with their bodies', async () => {
    // A fixed draw sequence: 0.1, 0.6, 0.1, 0.6... with rate 0.5 logs every other request.
    let k = 0;
    const { app, post, invocations } = appWith(scorer, {
      payloadRate: 0.5,
      random: () => (k++ % 2 ? 0.6 : 0.1),
    });
    for (let i = 0; i < 6; i++) await post(BODY);
    const logged = invocations();
    assert.equal(logged.length, 3);
    const payload = logged[0]!.payload as Record<string, unknown>;
    assert.equal(payload.request, BODY);
    assert.equal(payload.content_type, 'application/json');
    assert.match(String(payload.response), /^\{"predictions": \[\{"label": 0, "probabilities": \[/);
    assert.equal(payload.truncated, false);
    await app.close();
  });

  it('cuts long bodies to the byte limit and says so', () => {
    const record = requestLogRecord(
      { all: false, payloadRate: 1, payloadBytes: 10, random: () => 0 },
      { requestId: '1', modelVersion: 'v', status: 200, seconds: 0.001, contentType: 'text/csv' },
      'a,b\n1,2\n3,4\n5,6\n',
      new TextEncoder().encode('{"predictions": [1, 2, 3]}'),
    );
    const payload = record!.payload as Record<string, unknown>;
    assert.equal(payload.request, 'a,b\n1,2\n3,');
    assert.equal(payload.response, '{"predicti');
    assert.equal(payload.response_bytes, 26);
    assert.equal(payload.truncated, true);
    assert.equal(
      requestLogRecord(
        { all: false, payloadRate: 0.5, payloadBytes: 10, random: () => 0.7 },
        {
          requestId: '2',
          modelVersion: 'v',
          status: 200,
          seconds: 0,
          contentType: undefined,
        },
        '',
        '',
      ),
      null,
    );
  });
});
