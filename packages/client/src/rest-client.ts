/**
 * A small typed REST client over protocol's route table. Speaks the wire exactly as the Python client does
 * (spec §0.5): the first method of each route, GET fields in the query string, JSON bodies otherwise
 * (DELETE included), Basic or Bearer auth, MLflow error bodies turned into MlflowApiError.
 */
import {
  AJAX_PREFIX,
  API_PREFIX,
  errorCodeForStatus,
  type HttpMethod,
  REGISTRY_ROUTES,
  type RouteDef,
  TRACKING_ROUTES,
} from '@mlflow-ts/protocol';
import { MlflowApiError, MlflowNetworkError } from './errors.ts';
import { backoffDelay, parseRetryAfter, sleep } from './retry.ts';
import { IDEMPOTENT_RPCS, type RequestOf, type ResponseOf, type RpcName } from './rpc-types.ts';
import { decodeMetric, decodeMetricWithRunId, decodeRun, encodeJsonBody, encodeQuery } from './wire-codec.ts';

export interface RestClientOptions {
  /** `http(s)://host[:port][/prefix]`; credentials in the URL are used as Basic auth. */
  trackingUri: string;
  username?: string;
  password?: string;
  /** Sent as `Authorization: Bearer <token>` when no username/password is given (Python's precedence). */
  token?: string;
  /** Extra headers on every request (e.g. a proxy's auth header). */
  headers?: Record<string, string>;
  /** Retries after the first attempt. Default 5, as the Python client (spec §0.4). */
  maxRetries?: number;
  /** First backoff delay in ms; doubles per retry. Default 1000. */
  backoffMs?: number;
  /** Upper bound of one backoff delay in ms. Default 60 000. */
  maxBackoffMs?: number;
  /** Timeout of one attempt in ms (connect + full body). Default 120 000, Python's default. */
  timeoutMs?: number;
  /** Send every RPC under `/ajax-api/2.0`, the prefix the web UI uses (spec §0.1), instead of `/api/2.0`. */
  ajax?: boolean;
}

/** A request to any path below the tracking URI, for endpoints outside the route table. */
export interface RawRequest {
  method: HttpMethod;
  /** Path below the tracking URI, e.g. `/api/2.0/mlflow/runs/get`. */
  path: string;
  /** GET: query fields; other methods: the JSON body (`{}` when absent). */
  fields?: object;
  /** May be resent after a timeout or reset (reads and idempotent writes). Default: GET only. */
  idempotent?: boolean;
  /** Name shown in errors. */
  rpc?: string;
}

const ROUTES = new Map<string, RouteDef>([...TRACKING_ROUTES, ...REGISTRY_ROUTES].map((r) => [r.rpc, r]));

/** Responses whose metric values travel as strings for NaN/±Infinity and so need decoding. */
const DECODERS: Partial<Record<RpcName, (body: never) => unknown>> = {
  getRun: (b: { run: never }) => ({ ...b, run: decodeRun(b.run) }),
  createRun: (b: { run: never }) => ({ ...b, run: decodeRun(b.run) }),
  searchRuns: (b: { runs?: never[] }) => (b.runs ? { ...b, runs: b.runs.map(decodeRun) } : b),
  getMetricHistory: (b: { metrics?: never[] }) =>
    b.metrics ? { ...b, metrics: b.metrics.map(decodeMetric) } : b,
  getMetricHistoryBulkInterval: (b: { metrics?: never[] }) =>
    b.metrics ? { ...b, metrics: b.metrics.map(decodeMetricWithRunId) } : b,
};

/** 429 and 503 mean "try again later"; 500 and 400 do not (retrying user errors only delays them). */
const RETRY_STATUSES = new Set([429, 503]);

export class RestClient {
  /** Tracking URI without credentials or trailing slash; API paths are appended to it. */
  readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly maxRetries: number;
  private readonly backoff: { backoffMs: number; maxBackoffMs: number };
  private readonly timeoutMs: number;
  private readonly ajax: boolean;

  constructor(opts: RestClientOptions) {
    const url = parseTrackingUri(opts.trackingUri);
    this.baseUrl = url.base;
    const username = opts.username ?? url.username;
    const password = opts.password ?? url.password;
    this.headers = { Accept: 'application/json', 'User-Agent': 'mlflow-ts-client/0.1.0', ...opts.headers };
    if (username !== undefined && password !== undefined) {
      this.headers.Authorization = `Basic ${base64Utf8(`${username}:${password}`)}`;
    } else if (opts.token) {
      this.headers.Authorization = `Bearer ${opts.token}`;
    }
    this.maxRetries = opts.maxRetries ?? 5;
    this.backoff = { backoffMs: opts.backoffMs ?? 1000, maxBackoffMs: opts.maxBackoffMs ?? 60_000 };
    this.timeoutMs = opts.timeoutMs ?? 120_000;
    this.ajax = opts.ajax ?? false;
  }

  /** Calls one tracking RPC by name with its first method (spec §0.5) and decodes metric values. */
  async call<R extends RpcName>(rpc: R, request: RequestOf<R>): Promise<ResponseOf<R>> {
    const route = ROUTES.get(rpc);
    if (!route) throw new Error(`unknown RPC ${rpc}: not in protocol's route tables`);
    const method = route.methods[0] as HttpMethod;
    const body = await this.request({
      method,
      path: (route.ajaxOnly || this.ajax ? AJAX_PREFIX : API_PREFIX) + route.path,
      fields: request,
      idempotent: method === 'GET' || IDEMPOTENT_RPCS.has(rpc),
      rpc,
    });
    const decode = DECODERS[rpc] as ((b: unknown) => unknown) | undefined;
    return (decode ? decode(body) : body) as ResponseOf<R>;
  }

  /** The headers every request carries (auth, user agent), for byte transfers outside the JSON API. */
  authHeaders(): Record<string, string> {
    const { Accept: _accept, ...rest } = this.headers;
    return rest;
  }

  /** Retry settings, so byte transfers (artifact uploads) follow the same policy as JSON calls. */
  get retryPolicy(): { maxRetries: number; backoffMs: number; maxBackoffMs: number; timeoutMs: number } {
    return { maxRetries: this.maxRetries, ...this.backoff, timeoutMs: this.timeoutMs };
  }

  /** Sends one request with the retry policy; resolves to the parsed JSON object of a 200. */
  async request<T = Record<string, unknown>>(req: RawRequest): Promise<T> {
    const isGet = req.method === 'GET';
    const query = isGet && req.fields ? encodeQuery(req.fields) : '';
    const url = this.baseUrl + req.path + (query ? `?${query}` : '');
    const headers = { ...this.headers };
    if (!isGet) headers['Content-Type'] = 'application/json';
    const body = isGet ? undefined : encodeJsonBody(req.fields ?? {});
    const idempotent = req.idempotent ?? isGet;

    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(url, {
          method: req.method,
          headers,
          body,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        if (RETRY_STATUSES.has(response.status) && attempt < this.maxRetries) {
          const wait = parseRetryAfter(response.headers.get('retry-after'));
          await response.body?.cancel(); // free the connection for the retry
          await sleep(Math.min(wait ?? backoffDelay(attempt, this.backoff), this.backoff.maxBackoffMs));
          continue;
        }
        return (await parseResponse(response, req.rpc ?? req.path)) as T;
      } catch (err) {
        if (err instanceof MlflowApiError) throw err;
        if (attempt < this.maxRetries && isRetryableNetworkError(err, idempotent)) {
          await sleep(backoffDelay(attempt, this.backoff));
          continue;
        }
        throw new MlflowNetworkError(req.method, url, attempt + 1, err);
      }
    }
  }
}

/**
 * A refused connection never reached the server, so any method may be resent; after a timeout or reset
 * the server may have acted, so only idempotent requests are.
 */
function isRetryableNetworkError(err: unknown, idempotent: boolean): boolean {
  const code = (err as { cause?: { code?: unknown } } | null)?.cause?.code;
  if (code === 'ECONNREFUSED') return true;
  return idempotent && err instanceof Error;
}

async function parseResponse(response: Response, rpc: string): Promise<unknown> {
  const text = await response.text();
  let json: unknown;
  try {
    json = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (response.ok) {
    // Python treats a literal "200 OK" text body as {} (spec §0.3); anything else non-JSON is a bad server.
    if (isObject(json)) return json;
    if (text.trim() === '200 OK' || text.trim() === 'OK') return {};
    throw new MlflowApiError(
      'INTERNAL_ERROR',
      `${rpc}: expected a JSON object, got: ${text.slice(0, 200)}`,
      response.status,
      rpc,
    );
  }
  if (isObject(json) && typeof json.error_code === 'string') {
    const message = typeof json.message === 'string' ? json.message : '';
    throw new MlflowApiError(json.error_code, message, response.status, rpc);
  }
  // Non-JSON errors (proxies, `--artifacts-only` mode, HTML 404 pages): the code comes from the status.
  throw new MlflowApiError(
    errorCodeForStatus(response.status),
    `${rpc} failed with HTTP ${response.status}: ${text.slice(0, 500)}`,
    response.status,
    rpc,
  );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Splits `http(s)://user:pass@host:port/prefix` into the base URL and the credentials. */
export function parseTrackingUri(uri: string): { base: string; username?: string; password?: string } {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new Error(`invalid tracking URI '${uri}': expected http(s)://host[:port][/prefix]`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(
      `unsupported tracking URI '${uri}': this SDK talks to a tracking server over http(s) only`,
    );
  }
  const result: { base: string; username?: string; password?: string } = {
    base: url.origin + url.pathname.replace(/\/+$/, ''),
  };
  // fetch refuses URLs that carry credentials, so they move into the Authorization header.
  if (url.username) result.username = decodeURIComponent(url.username);
  if (url.password) result.password = decodeURIComponent(url.password);
  return result;
}

/** btoa only takes Latin-1; encode UTF-8 first so non-ASCII passwords survive (browser-safe, no Buffer). */
function base64Utf8(s: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(s)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
