/**
 * The model registry calls of Python's `MlflowClient` (spec §1.4), in camelCase, and `models:/` URI
 * resolution (spec §7.1). MlflowClient extends this class, so every call is on the one client.
 */
import type { ModelVersion, RegisteredModel } from '@mlflow-ts/protocol';
import type { PagedList } from './entities.ts';
import { isApiError } from './errors.ts';
import type { RestClient } from './rest-client.ts';

export type { ModelVersion, RegisteredModel } from '@mlflow-ts/protocol';

export interface RegistrySearchOptions {
  filterString?: string;
  maxResults?: number;
  orderBy?: string[];
  pageToken?: string;
}

/** What `models:/…` names: a version, an alias, or a stage (`latest` = highest of any stage). */
export interface ParsedModelsUri {
  name: string;
  version?: string;
  alias?: string;
  stage?: string;
  /** Below the model's root, for `models:/name/3/sub/path`. */
  subPath: string;
}

/** `models:/name/3[/sub]`, `models:/name@alias[/sub]`, `models:/name/Production`, `models:/name/latest`. */
export function parseModelsUri(uri: string): ParsedModelsUri {
  const m = /^models:\/+(.+)$/.exec(uri);
  if (!m?.[1]) throw new Error(`Not a models:/ URI: '${uri}'`);
  const rest = m[1];
  const firstSlash = rest.indexOf('/');
  const head = firstSlash < 0 ? rest : rest.slice(0, firstSlash);
  const at = head.lastIndexOf('@');
  if (at > 0) {
    return {
      name: head.slice(0, at),
      alias: head.slice(at + 1),
      subPath: firstSlash < 0 ? '' : rest.slice(firstSlash + 1),
    };
  }
  const [name, ref, ...sub] = rest.split('/');
  if (!name || !ref)
    throw new Error(
      `Not a proper models:/ URI: '${uri}' (expected models:/<name>/<version|stage> or models:/<name>@<alias>)`,
    );
  if (/^\d+$/.test(ref)) return { name, version: ref, subPath: sub.join('/') };
  if (sub.length > 0)
    throw new Error(`Not a proper models:/ URI: '${uri}': only versions and aliases take a sub-path`);
  return { name, stage: ref, subPath: '' };
}

const tagList = (tags: Record<string, string> = {}) =>
  Object.entries(tags).map(([key, value]) => ({ key, value }));
const paged = <T>(items: T[] | undefined, token: string | undefined): PagedList<T> => ({
  items: items ?? [],
  nextPageToken: token ? token : null,
});

export class RegistryClient {
  constructor(readonly rest: RestClient) {}

  // ---- registered models ----

  async createRegisteredModel(
    name: string,
    opts: { tags?: Record<string, string>; description?: string } = {},
  ): Promise<RegisteredModel> {
    const body: { name: string; tags: { key: string; value: string }[]; description?: string } = {
      name,
      tags: tagList(opts.tags),
    };
    if (opts.description !== undefined) body.description = opts.description;
    return (await this.rest.call('createRegisteredModel', body)).registered_model;
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    return (await this.rest.call('getRegisteredModel', { name })).registered_model;
  }

  async renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel> {
    return (await this.rest.call('renameRegisteredModel', { name, new_name: newName })).registered_model;
  }

  /** Replaces the description (omitting it clears it, as on the server). */
  async updateRegisteredModel(name: string, description?: string): Promise<RegisteredModel> {
    return (await this.rest.call('updateRegisteredModel', { name, description })).registered_model;
  }

  async deleteRegisteredModel(name: string): Promise<void> {
    await this.rest.call('deleteRegisteredModel', { name });
  }

  async searchRegisteredModels(opts: RegistrySearchOptions = {}): Promise<PagedList<RegisteredModel>> {
    const r = await this.rest.call('searchRegisteredModels', {
      filter: opts.filterString,
      max_results: opts.maxResults ?? 100,
      order_by: opts.orderBy,
      page_token: opts.pageToken,
    });
    return paged(r.registered_models, r.next_page_token);
  }

  /** Highest version per stage (all stages when `stages` is empty). Stages are deprecated in MLflow 2.9+. */
  async getLatestVersions(name: string, stages: string[] = []): Promise<ModelVersion[]> {
    return (await this.rest.call('getLatestVersions', { name, stages })).model_versions ?? [];
  }

  async setRegisteredModelTag(name: string, key: string, value: string): Promise<void> {
    await this.rest.call('setRegisteredModelTag', { name, key, value });
  }

  async deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    await this.rest.call('deleteRegisteredModelTag', { name, key });
  }

  // ---- aliases ----

  async setRegisteredModelAlias(name: string, alias: string, version: string | number): Promise<void> {
    await this.rest.call('setRegisteredModelAlias', { name, alias, version: String(version) });
  }

  async deleteRegisteredModelAlias(name: string, alias: string): Promise<void> {
    await this.rest.call('deleteRegisteredModelAlias', { name, alias });
  }

  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    return (await this.rest.call('getModelVersionByAlias', { name, alias })).model_version;
  }

  // ---- model versions ----

  async createModelVersion(
    name: string,
    source: string,
    opts: { runId?: string; tags?: Record<string, string>; runLink?: string; description?: string } = {},
  ): Promise<ModelVersion> {
    const r = await this.rest.call('createModelVersion', {
      name,
      source,
      run_id: opts.runId,
      tags: tagList(opts.tags),
      run_link: opts.runLink,
      description: opts.description,
    });
    return r.model_version;
  }

  async getModelVersion(name: string, version: string | number): Promise<ModelVersion> {
    return (await this.rest.call('getModelVersion', { name, version: String(version) })).model_version;
  }

  async updateModelVersion(
    name: string,
    version: string | number,
    description?: string,
  ): Promise<ModelVersion> {
    const r = await this.rest.call('updateModelVersion', { name, version: String(version), description });
    return r.model_version;
  }

  async transitionModelVersionStage(
    name: string,
    version: string | number,
    stage: string,
    archiveExistingVersions = false,
  ): Promise<ModelVersion> {
    const r = await this.rest.call('transitionModelVersionStage', {
      name,
      version: String(version),
      stage,
      archive_existing_versions: archiveExistingVersions,
    });
    return r.model_version;
  }

  async deleteModelVersion(name: string, version: string | number): Promise<void> {
    await this.rest.call('deleteModelVersion', { name, version: String(version) });
  }

  /** Python's client asks for 10,000 versions a page by default; so do we. */
  async searchModelVersions(opts: RegistrySearchOptions = {}): Promise<PagedList<ModelVersion>> {
    const r = await this.rest.call('searchModelVersions', {
      filter: opts.filterString,
      max_results: opts.maxResults ?? 10_000,
      order_by: opts.orderBy,
      page_token: opts.pageToken,
    });
    return paged(r.model_versions, r.next_page_token);
  }

  async getModelVersionDownloadUri(name: string, version: string | number): Promise<string> {
    return (await this.rest.call('getModelVersionDownloadUri', { name, version: String(version) }))
      .artifact_uri;
  }

  async setModelVersionTag(
    name: string,
    version: string | number,
    key: string,
    value: string,
  ): Promise<void> {
    await this.rest.call('setModelVersionTag', { name, version: String(version), key, value });
  }

  async deleteModelVersionTag(name: string, version: string | number, key: string): Promise<void> {
    await this.rest.call('deleteModelVersionTag', { name, version: String(version), key });
  }

  // ---- URIs ----

  /** The version a `models:/` URI names (spec §7.1). */
  async modelVersionOf(uri: string | ParsedModelsUri): Promise<ModelVersion> {
    const ref = typeof uri === 'string' ? parseModelsUri(uri) : uri;
    if (ref.alias !== undefined) return this.getModelVersionByAlias(ref.name, ref.alias);
    if (ref.version !== undefined) return this.getModelVersion(ref.name, ref.version);
    const stage = ref.stage ?? 'latest';
    const latest = await this.getLatestVersions(ref.name, stage.toLowerCase() === 'latest' ? [] : [stage]);
    const top = latest.reduce<ModelVersion | undefined>(
      (best, v) => (best === undefined || Number(v.version) > Number(best.version) ? v : best),
      undefined,
    );
    if (!top) throw new Error(`No versions of model '${ref.name}' in stage '${stage}'`);
    return top;
  }

  /** `models:/…` → the storage URI of that version (plus any sub-path), as Python's client resolves it. */
  async resolveModelsUri(uri: string): Promise<string> {
    const ref = parseModelsUri(uri);
    const version = await this.modelVersionOf(ref);
    const root = await this.getModelVersionDownloadUri(ref.name, version.version);
    return ref.subPath ? `${root.replace(/\/+$/, '')}/${ref.subPath}` : root;
  }

  /**
   * Python's `mlflow.register_model(model_uri, name)`: creates the registered model unless it exists, then
   * a version whose source is the URI's storage location (`runs:/id/path` → the run's artifact URI + path).
   */
  async registerModel(
    modelUri: string,
    name: string,
    opts: { tags?: Record<string, string>; description?: string } = {},
  ): Promise<ModelVersion> {
    try {
      await this.createRegisteredModel(name);
    } catch (err) {
      if (!isApiError(err) || err.errorCode !== 'RESOURCE_ALREADY_EXISTS') throw err;
    }
    const runs = /^runs:\/+([^/]+)\/?(.*)$/.exec(modelUri);
    if (runs) {
      const runId = runs[1] as string;
      const run = (await this.rest.call('getRun', { run_id: runId })).run;
      const root = (run.info.artifact_uri ?? '').replace(/\/+$/, '');
      const source = runs[2] ? `${root}/${runs[2]}` : root;
      return this.createModelVersion(name, source, { runId, ...opts });
    }
    return this.createModelVersion(name, modelUri, opts);
  }
}
