/**
 * Serves the built web UI (packages/ui → dist/ui): hashed assets under `/static-files/` (MLflow's UI prefix,
 * spec §0.1) and index.html for `/` and every other GET path that is not an API path, so a link such as
 * `/runs/<id>` opened in a new tab lands in the app, whose router then reads the URL.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Vite's output folder below the UI root; its file names carry a content hash. */
const HASHED_DIR = '/assets/';

/** Paths the app never answers with index.html: an unknown API path must stay a JSON 404 (spec §0.4). */
const NON_UI_PREFIXES = [
  '/api',
  '/ajax-api',
  '/static-files',
  '/mlflow-artifacts',
  '/get-artifact',
  '/model-versions/get-artifact',
  '/graphql',
  '/health',
  '/version',
  '/metrics',
  '/v1',
];

/** True when `dir` holds a built UI (vite writes index.html last, so a half-written build is not taken). */
export function isBuiltUi(dir: string | undefined): dir is string {
  return dir !== undefined && existsSync(join(dir, 'index.html'));
}

export function isUiPath(path: string): boolean {
  // Whole segments only: `/healthy-runs` is an app path, `/health` and `/api/...` are not.
  return !NON_UI_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
}

export function registerUiStatic(app: FastifyInstance, uiDir: string): void {
  app.register(fastifyStatic, {
    root: uiDir,
    prefix: '/static-files/',
    index: false,
    // Our own Cache-Control below: a year for hashed names (a new build gets new names), revalidate the rest.
    cacheControl: false,
    setHeaders(res, path) {
      const hashed = path.replaceAll('\\', '/').includes(HASHED_DIR);
      res.setHeader('Cache-Control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });

  // Read on every request (it is ~1 kB): a rebuild while the server runs is picked up without a restart.
  const sendIndex = async (_req: FastifyRequest, reply: FastifyReply) =>
    reply
      .header('Cache-Control', 'no-cache')
      .type('text/html; charset=utf-8')
      .send(await readFile(join(uiDir, 'index.html')));

  app.get('/', sendIndex);
  // Static routes (the API) win over this wildcard in Fastify's router; API-looking paths that reach it
  // go on to the JSON not-found handler (which also answers 405 for a known path with the wrong method).
  app.get('/*', async (req, reply) => {
    const path = req.url.split('?', 1)[0]!;
    if (!isUiPath(path)) return reply.callNotFound();
    return sendIndex(req, reply);
  });
}
