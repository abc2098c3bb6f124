/**
 * Maps the artifact URIs the tracking store hands out (a run's `artifact_uri`, later a model version's
 * source) onto a repository this server opened and a path inside it:
 *   - `mlflow-artifacts:/<path>`, `mlflow-artifacts://host/<path>` and
 *     `http(s)://…/api/2.0/mlflow-artifacts/artifacts/<path>` → the proxy destination (spec §1.3, §1.5);
 *   - a storage URI (path, file://, s3://) → the configured store whose root contains it.
 * A storage URI outside every configured root is refused: an experiment's artifact_location is chosen by
 * clients, and serving whatever it names would let anyone read the server's files.
 */
import { MlflowError } from '../core/mlflow-error.ts';
import { normalizeArtifactPath } from './artifact-path.ts';
import type { ArtifactRepository } from './artifact-repository.ts';
import { type StorageLocation, schemeOf, storageLocationOf } from './open-repository.ts';

export interface ResolvedArtifact {
  repository: ArtifactRepository;
  /** Path inside the repository ('' = its root). */
  path: string;
}

const PROXY_HTTP_PATH = '/api/2.0/mlflow-artifacts/artifacts';

function decodeSegments(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    throw MlflowError.invalidParameter('Invalid path');
  }
}

/** `rest` of `location` below `root`, or undefined when `root` does not contain it. */
function below(root: StorageLocation, location: StorageLocation): string | undefined {
  if (root.kind === 'file' && location.kind === 'file') {
    if (location.path === root.path) return '';
    const base = root.path.endsWith('/') ? root.path : `${root.path}/`;
    return location.path.startsWith(base) ? location.path.slice(base.length) : undefined;
  }
  if (root.kind === 's3' && location.kind === 's3' && root.bucket === location.bucket) {
    if (location.key === root.key) return '';
    if (root.key === '') return location.key;
    return location.key.startsWith(`${root.key}/`) ? location.key.slice(root.key.length + 1) : undefined;
  }
  return undefined;
}

export class ArtifactLocations {
  private readonly stores: { root: StorageLocation; repository: ArtifactRepository }[] = [];

  /**
   * @param proxy the `--artifacts-destination` repository when the server proxies artifacts
   * @param others further stores whose URIs runs may carry (the `--default-artifact-root` when it is one)
   */
  constructor(
    readonly proxy: ArtifactRepository | undefined,
    others: readonly ArtifactRepository[] = [],
  ) {
    for (const repository of [...(proxy ? [proxy] : []), ...others]) {
      const root = storageLocationOf(repository.rootUri);
      if (root) this.stores.push({ root, repository });
    }
  }

  /** Every store this server opened (the proxy destination first). */
  repositories(): ArtifactRepository[] {
    return this.stores.map((s) => s.repository);
  }

  resolve(uri: string, subPath = ''): ResolvedArtifact {
    const { repository, path } = this.resolveRoot(uri);
    const sub = normalizeArtifactPath(subPath);
    return { repository, path: [path, sub].filter((p) => p !== '').join('/') };
  }

  private resolveRoot(uri: string): ResolvedArtifact {
    const scheme = schemeOf(uri);
    if (scheme === 'mlflow-artifacts') {
      // mlflow-artifacts:/a/b, or mlflow-artifacts://host:port/a/b (host names this server).
      const path = uri.replace(/^mlflow-artifacts:(\/\/[^/]*)?/i, '');
      return { repository: this.proxied(uri), path: normalizeArtifactPath(path.replace(/^\/+/, '')) };
    }
    if (scheme === 'http' || scheme === 'https') {
      const url = new URL(uri);
      const at = url.pathname.indexOf(PROXY_HTTP_PATH);
      if (at >= 0) {
        const path = url.pathname.slice(at + PROXY_HTTP_PATH.length).replace(/^\/+/, '');
        return { repository: this.proxied(uri), path: normalizeArtifactPath(decodeSegments(path)) };
      }
    }
    const location = storageLocationOf(uri);
    if (location) {
      for (const { root, repository } of this.stores) {
        const rest = below(root, location);
        if (rest !== undefined) return { repository, path: normalizeArtifactPath(rest) };
      }
    }
    throw MlflowError.invalidParameter(
      `The artifact location '${uri}' is not in an artifact store this server serves.`,
    );
  }

  private proxied(uri: string): ArtifactRepository {
    if (!this.proxy) {
      throw MlflowError.invalidParameter(
        `The artifact location '${uri}' is served by the artifact proxy, which is disabled on this server (--no-serve-artifacts).`,
      );
    }
    return this.proxy;
  }

  async close(): Promise<void> {
    for (const { repository } of this.stores) await repository.close?.();
  }
}
