/**
 * Byte transfers with the server's artifact proxy (spec §1.5): PUT uploads, GET downloads, directory
 * listings. Browser-safe (fetch only). Uploads retry on 429/503 and refused connections when the caller
 * can produce the body again; a failed download is the caller's to retry (it owns the half-written file).
 */
import { errorCodeForStatus, type FileInfo, type ListProxiedArtifactsResponse } from '@mlflow-ts/protocol';
import { encodePath, PROXY_FILES_PATH, type ProxyLocation } from './artifact-uri.ts';
import { MlflowApiError, MlflowNetworkError } from './errors.ts';
import type { RestClient } from './rest-client.ts';
import { backoffDelay, parseRetryAfter, sleep } from './retry.ts';

/** A body, or a function making a fresh one for each attempt (a stream can be read only once). */
export type UploadBody = BodyInit | (() => BodyInit | Promise<BodyInit>);

async function failure(response: Response, what: string): Promise<MlflowApiError> {
  const text = await response.text().catch(() => '');
  try {
    const json = JSON.parse(text) as { error_code?: unknown; message?: unknown };
    if (typeof json.error_code === 'string') {
      return new MlflowApiError(json.error_code, String(json.message ?? ''), response.status, what);
    }
  } catch {}
  return new MlflowApiError(
    errorCodeForStatus(response.status),
    `${what} failed with HTTP ${response.status}: ${text.slice(0, 300)}`,
    response.status,
    what,
  );
}

export class ArtifactHttp {
  constructor(private readonly rest: RestClient) {}

  private url(at: ProxyLocation, query?: string): string {
    return `${at.base}${PROXY_FILES_PATH}${at.path ? `/${encodePath(at.path)}` : ''}${query ?? ''}`;
  }

  async upload(at: ProxyLocation, body: UploadBody, contentType: string): Promise<void> {
    const policy = this.rest.retryPolicy;
    const url = this.url(at);
    const retryable = typeof body === 'function';
    for (let attempt = 0; ; attempt++) {
      const payload = typeof body === 'function' ? await body() : body;
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'PUT',
          headers: { ...this.rest.authHeaders(), 'Content-Type': contentType },
          body: payload,
          // Streams need half-duplex mode in fetch; harmless for other bodies.
          duplex: 'half',
        } as RequestInit);
      } catch (err) {
        const code = (err as { cause?: { code?: unknown } }).cause?.code;
        if (retryable && code === 'ECONNREFUSED' && attempt < policy.maxRetries) {
          await sleep(backoffDelay(attempt, policy));
          continue;
        }
        throw new MlflowNetworkError('PUT', url, attempt + 1, err);
      }
      if (response.ok) {
        await response.body?.cancel();
        return;
      }
      if (retryable && (response.status === 429 || response.status === 503) && attempt < policy.maxRetries) {
        const wait = parseRetryAfter(response.headers.get('retry-after'));
        await response.body?.cancel();
        await sleep(Math.min(wait ?? backoffDelay(attempt, policy), policy.maxBackoffMs));
        continue;
      }
      throw await failure(response, `upload of ${at.path}`);
    }
  }

  /** The file's response, body unread (a stream the caller consumes). */
  async download(at: ProxyLocation): Promise<Response> {
    const url = this.url(at);
    let response: Response;
    try {
      response = await fetch(url, { headers: this.rest.authHeaders() });
    } catch (err) {
      throw new MlflowNetworkError('GET', url, 1, err);
    }
    if (!response.ok) throw await failure(response, `download of ${at.path}`);
    return response;
  }

  /** Direct children of a proxied directory, with paths relative to the proxy root; [] for a file. */
  async list(at: ProxyLocation): Promise<FileInfo[]> {
    const url = `${at.base}${PROXY_FILES_PATH}${at.path ? `?path=${encodeURIComponent(at.path)}` : ''}`;
    let response: Response;
    try {
      response = await fetch(url, { headers: { ...this.rest.authHeaders(), Accept: 'application/json' } });
    } catch (err) {
      throw new MlflowNetworkError('GET', url, 1, err);
    }
    if (!response.ok) throw await failure(response, `listing of ${at.path || '/'}`);
    const body = (await response.json()) as ListProxiedArtifactsResponse;
    return (body.files ?? []).map((f) => ({ ...f, path: at.path ? `${at.path}/${f.path}` : f.path }));
  }
}
