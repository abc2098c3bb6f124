import { Readable } from 'node:stream';
import { AJAX_PREFIX, API_PREFIX, type HttpMethod, LEGACY_PREFIX, type RouteDef } from '@mlflow-ts/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MlflowError } from '../core/mlflow-error.ts';
import { isStreamedJson, JsonText, type StreamedJson } from '../services/json-body.ts';
import { decodeBody, decodeQuery, parseJsonBody } from './decode.ts';

/** What a handler returns: a response object, JSON text, or JSON text arriving in pieces. */
export type RpcResult = object | JsonText | StreamedJson;
// biome-ignore lint/suspicious/noExplicitAny: each handler takes its own decoded request type
export type RpcHandler = (request: any) => Promise<RpcResult> | RpcResult;

/** POST bodies must be declared JSON (spec §0.2); PATCH and DELETE are not checked, as in MLflow. */
export function checkContentType(request: FastifyRequest): void {
  const header = request.headers['content-type'];
  if (!header) throw MlflowError.invalidParameter('Bad Request. Content-Type header is missing.');
  const mediaType = header.split(';', 1)[0]!.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw MlflowError.invalidParameter("Bad Request. Content-Type must be one of ['application/json'].");
  }
}

/** GET bodies, which Fastify never parses: read from the socket, bounded like any other body. */
async function readGetBody(request: FastifyRequest, limit: number): Promise<Buffer | undefined> {
  const length = Number(request.headers['content-length'] ?? 0);
  if (!(length > 0) && request.headers['transfer-encoding'] === undefined) return undefined;
  if (length > limit) throw new MlflowError('INVALID_PARAMETER_VALUE', 'Request body is too large.');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request.raw) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new MlflowError('INVALID_PARAMETER_VALUE', 'Request body is too large.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Path parameters (`{webhook_id}`) fill their field whatever the query or body say. */
function withParams(body: unknown, params: Record<string, string>): unknown {
  if (Object.keys(params).length === 0) return body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  return { ...body, ...params };
}

async function decode(
  route: RouteDef,
  method: HttpMethod,
  request: FastifyRequest,
  bodyLimit: number,
): Promise<Record<string, unknown>> {
  const params = (request.params ?? {}) as Record<string, string>;
  if (method === 'GET') {
    const query = request.query as Record<string, string | string[]>;
    if (Object.keys(query).length > 0) return decodeQuery(route.request, { ...query, ...params });
    // A GET without a query string reads a JSON body instead (as MLflow does).
    return decodeBody(
      route.request,
      withParams(parseJsonBody(await readGetBody(request, bodyLimit)), params),
    );
  }
  if (method === 'POST') checkContentType(request);
  return decodeBody(route.request, withParams(parseJsonBody(request.body as Buffer | undefined), params));
}

/** `/mlflow/webhooks/{webhook_id}` → Fastify's `/mlflow/webhooks/:webhook_id`. */
const routerPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

export function prefixesOf(route: RouteDef): string[] {
  if (route.ajaxOnly) return [AJAX_PREFIX];
  return route.legacy ? [API_PREFIX, AJAX_PREFIX, LEGACY_PREFIX] : [API_PREFIX, AJAX_PREFIX];
}

/** Registers every route of the table that has a handler, under each of its prefixes. */
export function registerRpcRoutes(
  app: FastifyInstance,
  routes: readonly RouteDef[],
  handlers: Record<string, RpcHandler>,
  knownPaths: Set<string>,
  bodyLimit: number,
): void {
  for (const route of routes) {
    const handler = handlers[route.rpc];
    if (!handler) continue;
    for (const prefix of prefixesOf(route)) {
      const url = prefix + routerPath(route.path);
      // Paths with parameters cannot be matched literally by the not-found handler's 405 check.
      if (!url.includes(':')) knownPaths.add(url);
      for (const method of route.methods) {
        app.route({
          method,
          url,
          handler: async (request, reply) => {
            const result = await handler(await decode(route, method, request, bodyLimit));
            reply.type('application/json');
            if (result instanceof JsonText) {
              const { text } = result;
              if (typeof text === 'string') return reply.send(text);
              // Fastify names the charset for text bodies only: the same header for bytes.
              reply.type('application/json; charset=utf-8');
              return reply.send(Buffer.from(text.buffer, text.byteOffset, text.byteLength));
            }
            if (isStreamedJson(result)) {
              const { stream } = result;
              return reply.send(stream instanceof Readable ? stream : Readable.from(stream));
            }
            return JSON.stringify(result);
          },
        });
      }
    }
  }
}
