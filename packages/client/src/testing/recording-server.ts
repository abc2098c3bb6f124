/**
 * Test support: a real HTTP server on 127.0.0.1 that records every request and answers through a
 * handler. Tests exercise the SDK over real sockets instead of mocking fetch.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  rawQuery: string;
  /** Each key with all its values, in order (repeated keys are how GET sends arrays). */
  query: Record<string, string[]>;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON, or undefined. */
  json: unknown;
}

export interface Reply {
  status?: number;
  /** Objects are sent as JSON; strings as text/plain (or the given content-type). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Ms to wait before answering (to provoke client timeouts). */
  delayMs?: number;
  /** Drop the connection without answering (a network error for the client). */
  destroy?: boolean;
}

export type Handler = (req: RecordedRequest) => Reply | Promise<Reply>;

export interface RecordingServer {
  /** Tracking URI of the server, e.g. http://127.0.0.1:43121 */
  uri: string;
  requests: RecordedRequest[];
  handler: Handler;
  close(): Promise<void>;
}

function send(res: ServerResponse, reply: Reply): void {
  const status = reply.status ?? 200;
  const isText = typeof reply.body === 'string';
  const text = isText ? (reply.body as string) : JSON.stringify(reply.body ?? {});
  res.writeHead(status, {
    'Content-Type': isText ? 'text/plain; charset=utf-8' : 'application/json',
    ...reply.headers,
  });
  res.end(text);
}

export async function startRecordingServer(handler: Handler): Promise<RecordingServer> {
  const state: RecordingServer = { uri: '', requests: [], handler, close: async () => {} };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const query: Record<string, string[]> = {};
      for (const k of new Set(url.searchParams.keys())) query[k] = url.searchParams.getAll(k);
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = body ? JSON.parse(body) : undefined;
      } catch {
        json = undefined;
      }
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: url.pathname,
        rawQuery: url.search.replace(/^\?/, ''),
        query,
        headers: req.headers,
        body,
        json,
      };
      state.requests.push(recorded);
      try {
        const reply = await state.handler(recorded);
        if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
        if (reply.destroy) req.socket.destroy();
        else if (!res.destroyed) send(res, reply);
      } catch (err) {
        send(res, { status: 500, body: { error_code: 'INTERNAL_ERROR', message: String(err) } });
      }
    });
  });
  // Keep-alive sockets would hold close() open until they time out.
  server.keepAliveTimeout = 100;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.uri = `http://127.0.0.1:${port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

/** Requests whose path ends with `suffix`, e.g. `runs/log-batch`. */
export function requestsTo(server: RecordingServer, suffix: string): RecordedRequest[] {
  return server.requests.filter((r) => r.path.endsWith(suffix));
}

/** The JSON body of a recorded request, failing loudly when the request is missing. */
export function jsonOf<T = Record<string, unknown>>(req: RecordedRequest | undefined): T {
  if (!req) throw new Error('expected request was not made');
  return req.json as T;
}
