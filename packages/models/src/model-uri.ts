/**
 * Model URIs (spec §7.1). Local paths and file:// resolve here; `runs:/` and `models:/` need the
 * tracking server (run artifact URI, registry download URI, the artifact proxy) and go through a
 * ModelUriResolver, so the serving code does not depend on how a model is fetched.
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { invalidParameter } from './errors.ts';

export interface ModelUriResolver {
  /** A local directory holding the model (downloaded and cached if remote). */
  resolve(uri: string): Promise<string>;
}

/** Model URI forms this package parses (spec §7.1). */
export type ParsedModelUri =
  | { scheme: 'local'; path: string }
  | { scheme: 'runs'; runId: string; path: string }
  | {
      scheme: 'models';
      name: string;
      version?: string;
      stage?: string;
      alias?: string;
      latest?: boolean;
      path: string;
    };

export function parseModelUri(uri: string): ParsedModelUri {
  if (uri.startsWith('runs:/')) {
    const [runId, ...rest] = uri.slice('runs:/'.length).split('/');
    if (!runId) throw invalidParameter(`Not a valid runs:/ URI: '${uri}' (expected runs:/<run_id>/<path>)`);
    return { scheme: 'runs', runId, path: rest.join('/') };
  }
  if (uri.startsWith('models:/')) {
    const body = uri.slice('models:/'.length);
    const at = body.lastIndexOf('@');
    if (at > 0 && !body.slice(at).includes('/')) {
      return { scheme: 'models', name: body.slice(0, at), alias: body.slice(at + 1), path: '' };
    }
    const [name, second, ...rest] = body.split('/');
    if (!name || !second)
      throw invalidParameter(
        `Not a valid models:/ URI: '${uri}' (models:/<name>/<version|stage|latest> or models:/<name>@<alias>)`,
      );
    const path = rest.join('/');
    if (/^\d+$/.test(second)) return { scheme: 'models', name, version: second, path };
    if (rest.length)
      throw invalidParameter(`Not a valid models:/ URI: '${uri}': a sub-path needs a version number`);
    if (second.toLowerCase() === 'latest') return { scheme: 'models', name, latest: true, path: '' };
    return { scheme: 'models', name, stage: second, path: '' };
  }
  if (uri.startsWith('file://')) return { scheme: 'local', path: fileURLToPath(uri) };
  if (/^[a-z][a-z0-9+.-]*:\//i.test(uri)) {
    throw invalidParameter(
      `Model URI scheme not supported here: '${uri}' (use a local path, file://, runs:/ or models:/)`,
    );
  }
  return { scheme: 'local', path: isAbsolute(uri) ? uri : resolve(uri) };
}

export function resolveLocalModelUri(uri: string): string {
  const parsed = parseModelUri(uri);
  if (parsed.scheme !== 'local') {
    throw invalidParameter(
      `'${uri}' needs a tracking server to resolve; pass a resolver (or MLFLOW_TRACKING_URI to the CLI).`,
    );
  }
  return parsed.path;
}
