// Small helpers for inject-level protocol tests (test/http-protocol.test.ts): requests with exact control
// over the content-type header and raw body, and row counts read straight from the database, to prove a
// request wrote nothing.
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { TestDatabase } from './databases.ts';

export interface Reply {
  status: number;
  contentType: string;
  text: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  json: Json;
}

export interface CallOptions {
  /** Raw body text (sent as is), or a value to JSON-encode. */
  body?: unknown;
  /** The content-type header; `null` sends none. Default: application/json when there is a body. */
  contentType?: string | null;
}

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in assertions
export type Json = any;

export function client(app: FastifyInstance) {
  async function call(method: string, url: string, options: CallOptions = {}): Promise<Reply> {
    const { body } = options;
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const contentType =
      options.contentType === undefined
        ? payload === undefined
          ? null
          : 'application/json'
        : options.contentType;
    const res = await app.inject({
      method: method as 'GET',
      url,
      headers: contentType === null ? {} : { 'content-type': contentType },
      ...(payload === undefined ? {} : { payload }),
    });
    let json: Json;
    try {
      json = JSON.parse(res.body);
    } catch {}
    return {
      status: res.statusCode,
      contentType: String(res.headers['content-type'] ?? ''),
      text: res.body,
      json,
    };
  }
  return {
    call,
    post: (path: string, body: unknown, options: Omit<CallOptions, 'body'> = {}) =>
      call('POST', `/api/2.0/mlflow${path}`, { ...options, body }),
    get: (pathAndQuery: string) => call('GET', `/api/2.0/mlflow${pathAndQuery}`),
    /** POST that must succeed; returns the parsed body. */
    async ok(path: string, body: unknown): Promise<Json> {
      const r = await call('POST', `/api/2.0/mlflow${path}`, { body });
      if (r.status !== 200) throw new Error(`POST ${path} ${JSON.stringify(body)} -> ${r.status} ${r.text}`);
      return r.json;
    },
    /** GET that must succeed; returns the parsed body. */
    async okGet(pathAndQuery: string): Promise<Json> {
      const r = await call('GET', `/api/2.0/mlflow${pathAndQuery}`);
      if (r.status !== 200) throw new Error(`GET ${pathAndQuery} -> ${r.status} ${r.text}`);
      return r.json;
    },
  };
}

export type Client = ReturnType<typeof client>;

/** An MLflow error body: `{error_code, message}` sent as JSON. */
export function isErrorReply(r: Reply, code?: string): boolean {
  const body = r.json as { error_code?: unknown; message?: unknown } | undefined;
  return (
    r.contentType.startsWith('application/json') &&
    typeof body?.error_code === 'string' &&
    typeof body.message === 'string' &&
    (code === undefined || body.error_code === code)
  );
}

/** Either a 400 INVALID_PARAMETER_VALUE error, or a 200 whose body passes `onSuccess`. */
export function rejectedOr(r: Reply, onSuccess: (body: Json) => void): void {
  if (r.status === 200) onSuccess(r.json);
  else assert.ok(r.status === 400 && isErrorReply(r, 'INVALID_PARAMETER_VALUE'), `${r.status} ${r.text}`);
}

export const TRACKING_TABLES = [
  'experiments',
  'experiment_tags',
  'runs',
  'params',
  'metrics',
  'latest_metrics',
  'tags',
  'datasets',
  'inputs',
  'input_tags',
] as const;

/** Row counts per table, read over a separate connection (so also: every table still exists). */
export async function countRows(db: TestDatabase): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  if (db.dialect === 'sqlite') {
    const { default: Database } = await import('better-sqlite3');
    const conn = new Database(db.uri.slice('sqlite:///'.length), { readonly: true, fileMustExist: true });
    try {
      for (const table of TRACKING_TABLES) {
        counts[table] = (conn.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
      }
    } finally {
      conn.close();
    }
    return counts;
  }
  const { Client: PgClient } = await import('pg');
  const conn = new PgClient({ connectionString: db.uri });
  await conn.connect();
  try {
    for (const table of TRACKING_TABLES) {
      counts[table] = Number((await conn.query(`SELECT COUNT(*) AS n FROM ${table}`)).rows[0].n);
    }
  } finally {
    await conn.end();
  }
  return counts;
}
