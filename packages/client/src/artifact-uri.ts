/**
 * Artifact URIs as the SDK meets them (spec §7.1): `runs:/<run_id>/<path>` (resolved through the run's
 * artifact_uri), `mlflow-artifacts:/…`, `mlflow-artifacts://host:port/…` and
 * `http(s)://…/api/2.0/mlflow-artifacts/artifacts/…` (the server's artifact proxy). `models:/…` is resolved
 * through the registry (RegistryClient.resolveModelsUri). Storage URIs (s3://, gs://, …) are not
 * reachable from the SDK: use a server that proxies.
 */
export const PROXY_FILES_PATH = '/api/2.0/mlflow-artifacts/artifacts';

/** Where a proxied artifact lives: the server's base URL and the path below the proxy root. */
export interface ProxyLocation {
  base: string;
  path: string;
}

/** `runs:/<id>/<path>` → its parts; undefined for other URIs. */
export function parseRunsUri(uri: string): { runId: string; path: string } | undefined {
  const m = /^runs:\/+([^/]+)\/?(.*)$/.exec(uri);
  if (!m) return undefined;
  return { runId: m[1]!, path: m[2]!.replace(/\/+$/, '') };
}

export function joinPath(...parts: string[]): string {
  return parts
    .flatMap((p) => p.split('/'))
    .filter((s) => s !== '' && s !== '.')
    .join('/');
}

/**
 * The proxy location of an artifact URI, or undefined when the URI is not served by an MLflow artifact
 * proxy. `trackingBase` is the tracking server (for `mlflow-artifacts:/…` without a host).
 */
export function proxyLocationOf(uri: string, trackingBase: string): ProxyLocation | undefined {
  const m = /^mlflow-artifacts:(?:\/\/([^/]*))?(\/.*)?$/i.exec(uri);
  if (m) {
    const base = m[1] ? `${new URL(trackingBase).protocol}//${m[1]}` : trackingBase;
    return { base, path: joinPath(m[2] ?? '') };
  }
  if (/^https?:\/\//i.test(uri)) {
    const url = new URL(uri);
    const at = url.pathname.indexOf(PROXY_FILES_PATH);
    if (at >= 0) {
      return {
        base: url.origin + url.pathname.slice(0, at),
        path: joinPath(decodeURIComponent(url.pathname.slice(at + PROXY_FILES_PATH.length))),
      };
    }
  }
  return undefined;
}

/** Percent-encodes each segment of a relative path for a URL. */
export function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

const TEXT_EXTENSIONS = new Set([
  'txt',
  'log',
  'json',
  'yaml',
  'yml',
  'csv',
  'tsv',
  'md',
  'py',
  'xml',
  'toml',
]);

/** The Content-Type sent with an upload (the server ignores it; proxies and S3 metadata may not). */
export function uploadContentType(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toLowerCase() : name;
  if (TEXT_EXTENSIONS.has(ext) || name === 'MLmodel' || name === 'MLproject') return 'text/plain';
  return 'application/octet-stream';
}
