/**
 * The artifact endpoints (spec §1.3, §1.5): the `mlflow-artifacts` proxy service under `/api/2.0` and
 * `/ajax-api/2.0`, the run-artifact listing RPC, and the UI's `/get-artifact`. Handlers are declarations:
 * decode, one service call, send. Uploads are streamed: the PUT routes live in a scope whose content-type
 * parser leaves the body unread, so the bytes go from the socket to the store without being buffered.
 */
import {
  AbortMultipartUpload,
  AJAX_PREFIX,
  API_PREFIX,
  ARTIFACTS_PROXY_PATH,
  CompleteMultipartUpload,
  CreateMultipartUpload,
  LEGACY_PREFIX,
  LIST_ARTIFACTS_PATH,
  ListArtifacts,
  ListProxiedArtifacts,
  type RouteDef,
} from '@mlflow-ts/protocol';
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MlflowError } from '../core/mlflow-error.ts';
import type { ArtifactService } from '../services/artifact-service.ts';
import { parseRangeHeader, sendDownload } from './artifact-download.ts';
import { decodeBody, decodeQuery, parseJsonBody } from './decode.ts';
import { checkContentType, registerRpcRoutes } from './rpc-routes.ts';

export interface ArtifactRoutesDeps {
  service: ArtifactService;
  /** `--artifacts-only`: every tracking endpoint answers 503 (spec §0.4). */
  artifactsOnly?: boolean;
  /** A model version's download URI, for `/model-versions/get-artifact` (present with the registry). */
  modelVersionUri?: (name: string, version: string) => Promise<string>;
}

const PREFIXES = [API_PREFIX, AJAX_PREFIX];
const FILES = `${ARTIFACTS_PROXY_PATH}/artifacts`;
const MPU = `${ARTIFACTS_PROXY_PATH}/mpu`;

const LIST_ROUTE: RouteDef = {
  rpc: 'listArtifacts',
  methods: ['GET'],
  path: LIST_ARTIFACTS_PATH,
  request: ListArtifacts,
  legacy: true,
};

/** Paths of tracking endpoints that `--artifacts-only` switches off (MLflow answers them 503 too). */
const TRACKING_PATH = new RegExp(
  `^(${[API_PREFIX, AJAX_PREFIX, LEGACY_PREFIX].map((p) => p.replace(/\//g, '\\/')).join('|')})\\/mlflow\\/|^\\/(get-artifact|model-versions\\/get-artifact)(\\?|$)`,
);

/**
 * The artifact path after `base` in the raw URL, percent-decoded once. Read from the raw URL, not the
 * router's parameter, so that the one decoding step is ours and an invalid escape is a 400 like any
 * other bad path (spec §3.5).
 */
function pathAfter(request: FastifyRequest, base: string): string {
  const raw = request.url.split('?', 1)[0]!;
  const at = raw.indexOf(base);
  const rest = at < 0 ? '' : raw.slice(at + base.length).replace(/^\//, '');
  try {
    return decodeURIComponent(rest);
  } catch {
    throw MlflowError.invalidParameter('Invalid path');
  }
}

function jsonBody(request: FastifyRequest): unknown {
  checkContentType(request);
  return parseJsonBody(request.body as Buffer | undefined);
}

function sendJson(reply: FastifyReply, body: object): FastifyReply {
  return reply.type('application/json').send(JSON.stringify(body));
}

/** The address clients reached us at, for the part URLs of a multipart upload. */
function baseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/');

function unavailable(reply: FastifyReply, what: string): FastifyReply {
  return reply.code(503).type('text/plain; charset=utf-8').send(`${what} is disabled on this server.`);
}

export function registerArtifactRoutes(
  app: FastifyInstance,
  deps: ArtifactRoutesDeps,
  knownPaths: Set<string>,
  bodyLimit: number,
): void {
  const { service } = deps;

  if (deps.artifactsOnly) {
    app.addHook('onRequest', async (request, reply) => {
      if (TRACKING_PATH.test(request.url)) {
        return unavailable(reply, 'The tracking API (the server runs with --artifacts-only)');
      }
    });
  }

  registerRpcRoutes(
    app,
    [LIST_ROUTE],
    { listArtifacts: (req) => service.listRunArtifacts(req) },
    knownPaths,
    bodyLimit,
  );

  const modelVersionUri = deps.modelVersionUri;
  if (modelVersionUri) {
    app.get('/model-versions/get-artifact', async (request, reply) => {
      const q = request.query as Record<string, string | string[] | undefined>;
      const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
      const name = one(q.name);
      const version = one(q.version);
      if (!name) throw MlflowError.missingParameter('name');
      if (!version) throw MlflowError.missingParameter('version');
      const download = await service.downloadModelVersionArtifact(
        await modelVersionUri(name, version),
        one(q.path),
        parseRangeHeader(request.headers.range),
      );
      return sendDownload(reply, download);
    });
  }

  app.get('/get-artifact', async (request, reply) => {
    const query = decodeQuery(ListArtifacts, request.query as Record<string, string>);
    const download = await service.downloadRunArtifact(query, parseRangeHeader(request.headers.range));
    return sendDownload(reply, download);
  });

  for (const prefix of PREFIXES) {
    const files = prefix + FILES;
    const mpu = prefix + MPU;
    knownPaths.add(files);

    app.register(async (scope) => {
      // Without artifact serving the proxy answers 503 plain text, as MLflow's does (spec §0.4).
      scope.addHook('onRequest', async (_request, reply) => {
        if (!service.servesArtifacts) {
          return unavailable(reply, 'Artifact serving (start the server with --serve-artifacts)');
        }
      });

      scope.get(files, async (request, reply) =>
        sendJson(
          reply,
          await service.listProxied(
            decodeQuery(ListProxiedArtifacts, request.query as Record<string, string>),
          ),
        ),
      );

      scope.get(`${files}/*`, async (request, reply) =>
        sendDownload(
          reply,
          await service.downloadProxied(pathAfter(request, files), parseRangeHeader(request.headers.range)),
        ),
      );

      scope.delete(`${files}/*`, async (request, reply) =>
        sendJson(reply, await service.deleteProxied(pathAfter(request, files))),
      );

      scope.post(`${mpu}/create/*`, async (request, reply) => {
        const req = decodeBody(CreateMultipartUpload, jsonBody(request)) as Static<
          typeof CreateMultipartUpload
        >;
        const partUrl = (path: string, uploadId: string, n: number) =>
          `${baseUrl(request)}${API_PREFIX}${MPU}/upload-part/${encodePath(path)}?upload_id=${encodeURIComponent(uploadId)}&part_number=${n}`;
        return sendJson(
          reply,
          await service.createMultipartUpload(pathAfter(request, `${mpu}/create`), req, partUrl),
        );
      });

      scope.post(`${mpu}/complete/*`, async (request, reply) => {
        const req = decodeBody(CompleteMultipartUpload, jsonBody(request)) as Static<
          typeof CompleteMultipartUpload
        >;
        return sendJson(
          reply,
          await service.completeMultipartUpload(pathAfter(request, `${mpu}/complete`), req),
        );
      });

      scope.post(`${mpu}/abort/*`, async (request, reply) => {
        const req = decodeBody(AbortMultipartUpload, jsonBody(request)) as Static<
          typeof AbortMultipartUpload
        >;
        return sendJson(reply, await service.abortMultipartUpload(pathAfter(request, `${mpu}/abort`), req));
      });

      // Streamed bodies: the parser hands over the unread request, whatever its type (or none).
      scope.register(async (raw) => {
        raw.removeAllContentTypeParsers();
        raw.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));

        raw.put(`${files}/*`, async (request, reply) => {
          const type = request.headers['content-type'];
          const length = request.headers['content-length'];
          const meta = {
            ...(type ? { contentType: type } : {}),
            // Chunked bodies have no length; the store then streams them in parts.
            ...(length !== undefined && /^\d+$/.test(length) ? { contentLength: Number(length) } : {}),
          };
          return sendJson(reply, await service.uploadProxied(pathAfter(request, files), request.raw, meta));
        });

        // Where the part URLs of createMultipartUpload point: parts pass through this server to the store.
        raw.put(`${mpu}/upload-part/*`, async (request, reply) => {
          const query = request.query as Record<string, string>;
          const length = request.headers['content-length'];
          const etag = await service.uploadPart(
            pathAfter(request, `${mpu}/upload-part`),
            { upload_id: query.upload_id, part_number: Number(query.part_number) },
            request.raw,
            length === undefined ? undefined : Number(length),
          );
          return sendJson(reply.header('etag', `"${etag}"`), {});
        });
      });
    });
  }
}
