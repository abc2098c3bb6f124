import { REGISTRY_ROUTES, TRACKING_ROUTES, WEBHOOK_ROUTES } from '@mlflow-ts/protocol';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { POOLED_RPCS } from '../read-pool/messages.ts';
import type { ReadPool } from '../read-pool/read-pool.ts';
import type { RegistryService } from '../services/registry-service.ts';
import type { RunKeysService } from '../services/run-keys-service.ts';
import type { TrackingService } from '../services/tracking-service.ts';
import type { WebhookService } from '../services/webhook-service.ts';
import { type ArtifactRoutesDeps, registerArtifactRoutes } from './artifact-routes.ts';
import { errorHandler, sendError } from './error-handler.ts';
import { type RpcHandler, registerRpcRoutes } from './rpc-routes.ts';
import { registerRunKeysRoute } from './run-keys-route.ts';
import { UI_PLACEHOLDER_HTML } from './ui-placeholder.ts';
import { isBuiltUi, registerUiStatic } from './ui-static.ts';

export interface AppDeps {
  tracking: TrackingService;
  /** The model registry; without it the registry endpoints are not routed. */
  registry?: RegistryService;
  /** Webhook CRUD and delivery log; without it the webhook endpoints are not routed. */
  webhooks?: WebhookService;
  /** The artifact service and its mode; without it the artifact endpoints are not routed. */
  artifacts?: ArtifactRoutesDeps;
  /** Our run-keys addition for the web UI's column picker; without it the endpoint is not routed. */
  runKeys?: RunKeysService;
  /** Read threads for searches and histories (SQLite); without it they run on the main thread. */
  readPool?: ReadPool;
}

export interface AppOptions {
  /** Largest accepted request body; dataset profiles may be up to 16 MB of text (spec §3.1). */
  bodyLimit?: number;
  logger?: boolean | object;
  /** One log line per request (off by default: at thousands of requests a second it costs real CPU). */
  accessLog?: boolean;
  /** The MLflow release whose REST surface we answer for, reported by /version. */
  mlflowVersion?: string;
  /** Folder of the built web UI (dist/ui); without it, or before it is built, `/` shows a placeholder. */
  uiDir?: string;
}

/** A service's public methods, by name: the route table's `rpc` names are the method names. */
function serviceHandlers(t: object): Record<string, RpcHandler> {
  const handlers: Record<string, RpcHandler> = {};
  for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(t))) {
    const fn = (t as unknown as Record<string, unknown>)[name];
    if (name !== 'constructor' && typeof fn === 'function') handlers[name] = fn.bind(t) as RpcHandler;
  }
  return handlers;
}

/** The HTTP app: routes from protocol's table, one error handler, health and version, the UI. */
export function buildApp(deps: AppDeps, options: AppOptions = {}): FastifyInstance {
  const bodyLimit = options.bodyLimit ?? 64 * 1024 * 1024;
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit,
    logController: new LogController({ disableRequestLogging: !options.accessLog }),
    // Repeated query keys become arrays (spec §0.2); fast-querystring does this.
    routerOptions: { ignoreTrailingSlash: true },
    // A URL the router cannot decode (`%ZZ`) gets MLflow's error shape too, not Fastify's (spec §3.5).
    frameworkErrors: (err, _request, reply) =>
      sendError(
        reply,
        400,
        'INVALID_PARAMETER_VALUE',
        err.code === 'FST_ERR_BAD_URL' ? 'Invalid path' : err.message,
      ),
  });

  // Bodies are read raw and decoded by MLflow's lenient rules (malformed JSON ⇒ {}), whatever the type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.setErrorHandler(errorHandler);

  const knownPaths = new Set<string>();
  const tracking = serviceHandlers(deps.tracking);
  const pool = deps.readPool;
  if (pool) {
    for (const rpc of POOLED_RPCS) {
      const inProcess = tracking[rpc];
      if (inProcess) tracking[rpc] = (request) => pool.call(rpc, request, () => inProcess(request));
    }
  }
  registerRpcRoutes(app, TRACKING_ROUTES, tracking, knownPaths, bodyLimit);
  if (deps.registry)
    registerRpcRoutes(app, REGISTRY_ROUTES, serviceHandlers(deps.registry), knownPaths, bodyLimit);
  if (deps.webhooks)
    registerRpcRoutes(app, WEBHOOK_ROUTES, serviceHandlers(deps.webhooks), knownPaths, bodyLimit);
  if (deps.runKeys) registerRunKeysRoute(app, deps.runKeys, knownPaths);
  if (deps.artifacts) {
    const registry = deps.registry;
    const modelVersionUri = registry
      ? async (name: string, version: string) =>
          (await registry.getModelVersionDownloadUri({ name, version })).artifact_uri
      : undefined;
    registerArtifactRoutes(app, { ...deps.artifacts, modelVersionUri }, knownPaths, bodyLimit);
  }

  app.get('/health', async (_req, reply) => reply.type('text/plain; charset=utf-8').send('OK'));
  app.get('/version', async (_req, reply) =>
    reply.type('text/plain; charset=utf-8').send(options.mlflowVersion ?? '2.9.2'),
  );
  if (isBuiltUi(options.uiDir)) registerUiStatic(app, options.uiDir);
  else app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(UI_PLACEHOLDER_HTML));

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0]!.replace(/\/+$/, '');
    if (knownPaths.has(path)) {
      if (request.method === 'OPTIONS') return reply.code(200).send();
      return sendError(reply, 405, 'BAD_REQUEST', `The method ${request.method} is not allowed for ${path}.`);
    }
    return sendError(reply, 404, 'ENDPOINT_NOT_FOUND', `No API endpoint ${request.method} ${path}.`);
  });
  return app;
}
