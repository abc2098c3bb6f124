/**
 * The scoring server's HTTP app (spec §6.1): /ping, /health, /version, /invocations, plus /metrics.
 * Bodies are read as text whatever their type, so the media type rules and MLflow's error bodies are
 * ours to apply (Fastify would answer unknown types itself). Unknown paths and methods answer with the
 * HTML pages MLflow's Flask server sends (recorded in test/fixtures/models/serving/examples.jsonl).
 */
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { DriftHub } from '../drift/hub.ts';
import { errorResult, invoke } from './invocation.ts';
import { ScoringMetrics } from './metrics.ts';
import { type RequestLogOptions, requestLogRecord } from './request-log.ts';
import type { Scorer } from './scorer.ts';
import { type ScoringTarget, singleTarget, type TargetSelector } from './targets.ts';

export const MLFLOW_COMPAT_VERSION = '2.9.2';

export interface ScoringAppOptions {
  logger?: boolean | object;
  bodyLimit?: number;
  metrics?: ScoringMetrics;
  /** Header naming the version that answered (useful once several versions are served). */
  versionHeader?: string;
  /** Told how each shadow scoring went (the CLI logs it). */
  onShadow?: (event: ShadowEvent) => void;
  /** Drift monitoring of models that carry a training profile (GET /drift, gauges in /metrics). */
  drift?: DriftHub;
  /** Structured /invocations logs and sampled payloads (request-log.ts); none when absent. */
  requestLog?: Partial<RequestLogOptions>;
}

export interface ShadowEvent {
  alias: string;
  version: string;
  /** The version that answered the request. */
  answeredBy: string;
  status: number;
  /** Whether the shadow's response body equals the one returned. */
  agrees: boolean;
  seconds: number;
}

const NOT_FOUND_HTML =
  '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n';
const METHOD_NOT_ALLOWED_HTML =
  '<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n';

const ROUTES: Record<string, string[]> = {
  '/ping': ['GET'],
  '/health': ['GET'],
  '/version': ['GET'],
  '/invocations': ['POST'],
  '/metrics': ['GET'],
  '/drift': ['GET'],
};

/** Bytes go out as a Buffer view (no copy), so Fastify writes them as they are. */
function payload(body: string | Uint8Array): string | Buffer {
  return typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

function sameBody(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const bytes = (x: string | Uint8Array) => {
    const p = payload(x);
    return typeof p === 'string' ? Buffer.from(p) : p;
  };
  return bytes(a).equals(bytes(b));
}

export function buildScoringApp(
  model: Scorer | TargetSelector,
  options: ScoringAppOptions = {},
): FastifyInstance {
  const targets = 'pick' in model ? model : singleTarget(model);
  const metrics = options.metrics ?? new ScoringMetrics();
  const versionHeader = options.versionHeader ?? 'x-mlflow-model-version';
  const drift = options.drift;
  if (drift) {
    metrics.extra = () => drift.metricLines();
    // The first model is monitored from the start (a rollout's others from their first request).
    const first = targets.pick();
    drift.track(first.version, first.scorer.profile);
    first.release?.();
  }
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 256 * 1024 * 1024,
    logController: new LogController({ disableRequestLogging: true }),
    // A caller's request id is kept, so its logs and ours can be joined.
    requestIdHeader: 'x-request-id',
  });
  const logOptions: RequestLogOptions | null =
    options.requestLog && (options.requestLog.all || (options.requestLog.payloadRate ?? 0) > 0)
      ? {
          all: options.requestLog.all ?? false,
          payloadRate: options.requestLog.payloadRate ?? 0,
          payloadBytes: options.requestLog.payloadBytes ?? 64 * 1024,
          random: options.requestLog.random ?? Math.random,
        }
      : null;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  const ok = '\n';
  app.get('/ping', async (_req, reply) => reply.type('application/json').send(ok));
  app.get('/health', async (_req, reply) => reply.type('application/json').send(ok));
  app.get('/version', async (_req, reply) => reply.type('application/json').send(MLFLOW_COMPAT_VERSION));
  app.get('/metrics', async (_req, reply) =>
    reply.type('text/plain; version=0.0.4; charset=utf-8').send(metrics.render()),
  );
  app.get('/drift', async (_req, reply) => {
    if (!drift) {
      return reply
        .code(404)
        .type('application/json')
        .send(
          JSON.stringify({
            error_code: 'RESOURCE_DOES_NOT_EXIST',
            message: 'Drift monitoring is not enabled.',
          }),
        );
    }
    return reply.type('application/json').send(JSON.stringify(drift.report()));
  });

  /** Scores the request on the shadow too, off the response path; its result is counted, never sent. */
  const shadowScore = async (
    shadow: ScoringTarget,
    ct: string | undefined,
    body: string,
    answer: string | Uint8Array,
    answeredBy: string,
  ) => {
    const started = performance.now();
    try {
      const result = await invoke(shadow.scorer, ct, body);
      const seconds = (performance.now() - started) / 1000;
      metrics.request(shadow.version, result.status, seconds, 'shadow');
      options.onShadow?.({
        alias: shadow.alias ?? '',
        version: shadow.version,
        answeredBy,
        status: result.status,
        agrees: sameBody(result.body, answer),
        seconds,
      });
    } finally {
      shadow.release?.();
    }
  };

  app.post('/invocations', async (request, reply) => {
    const started = performance.now();
    const body = typeof request.body === 'string' ? request.body : '';
    const contentType = request.headers['content-type'];
    const target = targets.pick();
    let result: Awaited<ReturnType<typeof invoke>>;
    try {
      const observe = drift && target.scorer.profile ? drift : null;
      result = await invoke(
        target.scorer,
        contentType,
        body,
        observe ? (input) => observe.observe(target.version, target.scorer.profile, input) : undefined,
      );
    } finally {
      target.release?.();
    }
    const seconds = (performance.now() - started) / 1000;
    metrics.request(target.version, result.status, seconds);
    if (result.errorCode) metrics.error(target.version, result.errorCode);
    // Only requests the answering model accepted are worth comparing.
    const shadow = result.status === 200 ? targets.shadow() : null;
    if (shadow) void shadowScore(shadow, contentType, body, result.body, target.version);
    reply.code(result.status).type(result.contentType).header(versionHeader, target.version);
    if (target.alias) reply.header('x-mlflow-model-alias', target.alias);
    if (logOptions) {
      const record = requestLogRecord(
        logOptions,
        {
          requestId: String(request.id),
          modelVersion: target.version,
          ...(target.alias ? { alias: target.alias } : {}),
          status: result.status,
          ...(result.errorCode ? { errorCode: result.errorCode } : {}),
          ...(result.rows !== undefined ? { rows: result.rows } : {}),
          seconds,
          contentType,
        },
        body,
        result.body,
      );
      if (record) request.log.info({ invocation: record }, 'invocation');
    }
    return reply.send(payload(result.body));
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0]!;
    const allowed = ROUTES[path];
    if (allowed) {
      return reply
        .code(405)
        .header('allow', allowed.join(', '))
        .type('text/html; charset=utf-8')
        .send(METHOD_NOT_ALLOWED_HTML);
    }
    return reply.code(404).type('text/html; charset=utf-8').send(NOT_FOUND_HTML);
  });

  app.setErrorHandler((err, _request, reply) => {
    // Framework errors about the request (body too large, bad encoding) are the caller's: 400, never 500.
    const status = (err as { statusCode?: number }).statusCode;
    const result = errorResult(err);
    return reply
      .code(status === 413 ? 413 : result.status)
      .type(result.contentType)
      .send(result.body);
  });
  return app;
}
