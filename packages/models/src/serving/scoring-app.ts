/**
 * The scoring server's HTTP app (spec §6.1): /ping, /health, /version, /invocations, plus /metrics.
 * Bodies are read as text whatever their type, so the media type rules and MLflow's error bodies are
 * ours to apply (Fastify would answer unknown types itself). Unknown paths and methods answer with the
 * HTML pages MLflow's Flask server sends (recorded in test/fixtures/models/serving/examples.jsonl).
 */
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { errorResult, invoke } from './invocation.ts';
import { ScoringMetrics } from './metrics.ts';
import type { Scorer } from './scorer.ts';

export const MLFLOW_COMPAT_VERSION = '2.9.2';

export interface ScoringAppOptions {
  logger?: boolean | object;
  bodyLimit?: number;
  metrics?: ScoringMetrics;
  /** Header naming the version that answered (useful once several versions are served). */
  versionHeader?: string;
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
};

export function buildScoringApp(scorer: Scorer, options: ScoringAppOptions = {}): FastifyInstance {
  const metrics = options.metrics ?? new ScoringMetrics();
  const versionHeader = options.versionHeader ?? 'x-mlflow-model-version';
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 256 * 1024 * 1024,
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  const ok = '\n';
  app.get('/ping', async (_req, reply) => reply.type('application/json').send(ok));
  app.get('/health', async (_req, reply) => reply.type('application/json').send(ok));
  app.get('/version', async (_req, reply) => reply.type('application/json').send(MLFLOW_COMPAT_VERSION));
  app.get('/metrics', async (_req, reply) =>
    reply.type('text/plain; version=0.0.4; charset=utf-8').send(metrics.render()),
  );

  app.post('/invocations', async (request, reply) => {
    const started = performance.now();
    const body = typeof request.body === 'string' ? request.body : '';
    const result = await invoke(scorer, request.headers['content-type'], body);
    const seconds = (performance.now() - started) / 1000;
    metrics.request(scorer.version, result.status, seconds);
    if (result.errorCode) metrics.error(scorer.version, result.errorCode);
    return reply
      .code(result.status)
      .type(result.contentType)
      .header(versionHeader, scorer.version)
      .send(result.body);
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
