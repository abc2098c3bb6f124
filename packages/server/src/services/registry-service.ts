/**
 * The model registry RPCs (spec §1.4): argument rules, source checks and calls into the store. Every
 * change that others may want to hear about is announced to `events` (webhooks listen there).
 */
import type {
  GetModelVersionDownloadUriResponse,
  KeyValue,
  ModelVersionResponse,
  ModelVersionStage,
  ModelVersionsResponse,
  RegisteredModelResponse,
  SearchModelVersionsResponse,
  SearchRegisteredModelsResponse,
} from '@mlflow-ts/protocol';
import { LIMITS } from '@mlflow-ts/protocol';
import { MlflowError } from '../core/mlflow-error.ts';
import {
  canonicalStage,
  checkArchiveExisting,
  checkRemoteSource,
  invalidLocalSource,
  isLocalSource,
  localSourcePath,
  parseModelVersion,
  validateAlias,
  validateRegistryTag,
} from '../core/registry-rules.ts';
import {
  decodePageToken,
  encodePageToken,
  parseModelVersionFilter,
  parseModelVersionOrderBy,
  parseRegisteredModelFilter,
  parseRegisteredModelOrderBy,
  splitPromptFilter,
} from '../core/search/index.ts';
import { required, validateLength } from '../core/validation.ts';
import type { RegistryStore } from '../store/registry-store.ts';
import type { TrackingStore } from '../store/tracking-store.ts';
import { type EventName, type ServerEvents, silentEvents } from './events.ts';

const missing = MlflowError.missingParameter;

/** Column widths of MLflow's schema: PostgreSQL enforces them, so we check first and answer 400. */
const WIDTH = { name: 256, alias: 256, source: 500, runId: 32, runLink: 500, description: 5000 } as const;

function checkName(name: string): string {
  validateLength('Registered model name', name, WIDTH.name);
  return name;
}

function tagsOf(entity: 'Registered model' | 'Model version', tags?: { key?: string; value?: string }[]) {
  const out: KeyValue[] = [];
  for (const t of tags ?? []) {
    const tag = { key: t.key ?? '', value: t.value ?? '' };
    validateRegistryTag(entity, tag.key, tag.value);
    out.push(tag);
  }
  return out;
}

function maxResultsOf(value: number | undefined, fallback: number, limit: number): number {
  const n = value ?? fallback;
  if (n < 1) {
    throw MlflowError.invalidParameter(
      `Invalid value for request parameter max_results. It must be at least 1, but got value ${n}`,
    );
  }
  if (n > limit) {
    throw MlflowError.invalidParameter(
      `Invalid value for request parameter max_results. It must be at most ${limit}, but got value ${n}`,
    );
  }
  return n;
}

/** `models:/name/3`, `models:/name@alias`, `models:/name/Stage`, `models:/name/latest` (spec §7.1). */
export function parseModelsUri(uri: string): {
  name: string;
  version?: string;
  alias?: string;
  stage?: string;
} {
  const bad = () => MlflowError.invalidParameter(`Not a proper models:/ URI: ${uri}.`);
  const rest = uri.replace(/^models:\/+/, '');
  const at = rest.lastIndexOf('@');
  if (at > 0 && !rest.slice(at).includes('/')) return { name: rest.slice(0, at), alias: rest.slice(at + 1) };
  const parts = rest.split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw bad();
  const [name, ref] = parts as [string, string];
  return /^\d+$/.test(ref) ? { name, version: ref } : { name, stage: ref };
}

/** Registry events that MLflow 3.x names differently when the registered model is a prompt. */
const PROMPT_EVENTS: Partial<Record<EventName, EventName>> = {
  'registered_model.created': 'prompt.created',
  'model_version.created': 'prompt_version.created',
  'registered_model_tag.set': 'prompt_tag.set',
  'registered_model_tag.deleted': 'prompt_tag.deleted',
  'model_version_tag.set': 'prompt_version_tag.set',
  'model_version_tag.deleted': 'prompt_version_tag.deleted',
  'model_version_alias.created': 'prompt_alias.created',
  'model_version_alias.deleted': 'prompt_alias.deleted',
};

export class RegistryService {
  constructor(
    private readonly store: RegistryStore,
    private readonly tracking: TrackingStore,
    private readonly events: ServerEvents = silentEvents,
  ) {}

  /**
   * Announces a registry event under its prompt name when the model is a prompt. Fire and forget, like
   * emit: the request has succeeded whatever happens here.
   */
  private announce(
    event: keyof typeof PROMPT_EVENTS & EventName,
    data: Record<string, unknown> & { name: string },
  ) {
    const promptEvent = PROMPT_EVENTS[event];
    this.store.isPrompt(data.name).then(
      (prompt) => this.events.emit(prompt && promptEvent ? promptEvent : event, data),
      () => this.events.emit(event, data),
    );
  }

  // ---- registered models ----

  async createRegisteredModel(req: {
    name: string;
    tags?: { key?: string; value?: string }[];
    description?: string;
  }): Promise<RegisteredModelResponse> {
    const name = checkName(required(req.name, 'name'));
    const description = req.description ?? '';
    validateLength('Registered model description', description, WIDTH.description);
    const model = await this.store.createRegisteredModel({
      name,
      description,
      tags: tagsOf('Registered model', req.tags),
    });
    this.announce('registered_model.created', {
      name,
      tags: Object.fromEntries((model.tags ?? []).map((t) => [t.key, t.value])),
      description: model.description ?? null,
    });
    return { registered_model: model };
  }

  async getRegisteredModel(req: { name: string }): Promise<RegisteredModelResponse> {
    return { registered_model: await this.store.getRegisteredModel(required(req.name, 'name')) };
  }

  async renameRegisteredModel(req: { name: string; new_name?: string }): Promise<RegisteredModelResponse> {
    const name = required(req.name, 'name');
    const newName = checkName(required(req.new_name, 'new_name'));
    const model = await this.store.renameRegisteredModel(name, newName);
    this.events.emit('registered_model.renamed', { name: newName, old_name: name });
    return { registered_model: model };
  }

  async updateRegisteredModel(req: { name: string; description?: string }): Promise<RegisteredModelResponse> {
    const description = req.description ?? '';
    validateLength('Registered model description', description, WIDTH.description);
    // PATCH replaces the description; an omitted one clears it (trap 25).
    return {
      registered_model: await this.store.updateRegisteredModel(required(req.name, 'name'), description),
    };
  }

  async deleteRegisteredModel(req: { name: string }) {
    const name = required(req.name, 'name');
    await this.store.deleteRegisteredModel(name);
    this.events.emit('registered_model.deleted', { name });
    return {};
  }

  async searchRegisteredModels(req: {
    filter?: string;
    max_results?: number;
    order_by?: string[];
    page_token?: string;
  }): Promise<SearchRegisteredModelsResponse> {
    const maxResults = maxResultsOf(
      req.max_results,
      LIMITS.searchRegisteredModelsDefault,
      LIMITS.searchRegisteredModelsMaxResults,
    );
    const { queryingPrompts, clauses } = splitPromptFilter(parseRegisteredModelFilter(req.filter));
    const page = await this.store.searchRegisteredModels({
      filter: clauses,
      orderBy: parseRegisteredModelOrderBy(req.order_by),
      maxResults,
      offset: decodePageToken(req.page_token),
      includePrompts: queryingPrompts,
    });
    const out: SearchRegisteredModelsResponse = {};
    if (page.items.length > 0) out.registered_models = page.items;
    if (page.nextOffset !== undefined) out.next_page_token = encodePageToken(page.nextOffset);
    return out;
  }

  async getLatestVersions(req: { name: string; stages?: string[] }): Promise<ModelVersionsResponse> {
    const stages = (req.stages ?? []).map(canonicalStage);
    const versions = await this.store.getLatestVersions(required(req.name, 'name'), stages);
    return versions.length > 0 ? { model_versions: versions } : {};
  }

  async setRegisteredModelTag(req: { name: string; key: string; value?: string }) {
    const name = required(req.name, 'name');
    const value = req.value ?? '';
    validateRegistryTag('Registered model', required(req.key, 'key'), value);
    await this.store.setRegisteredModelTag(name, req.key, value);
    this.announce('registered_model_tag.set', { name, key: req.key, value });
    return {};
  }

  async deleteRegisteredModelTag(req: { name: string; key: string }) {
    const name = required(req.name, 'name');
    const key = required(req.key, 'key');
    await this.store.deleteRegisteredModelTag(name, key);
    this.announce('registered_model_tag.deleted', { name, key });
    return {};
  }

  // ---- aliases ----

  async setRegisteredModelAlias(req: { name: string; alias: string; version: string }) {
    const name = required(req.name, 'name');
    const alias = required(req.alias, 'alias');
    validateAlias(alias);
    const version = parseModelVersion(required(req.version, 'version'));
    await this.store.setAlias(name, alias, version);
    this.announce('model_version_alias.created', { name, alias, version: String(version) });
    return {};
  }

  async deleteRegisteredModelAlias(req: { name: string; alias: string }) {
    const name = required(req.name, 'name');
    const alias = required(req.alias, 'alias');
    await this.store.deleteAlias(name, alias);
    this.announce('model_version_alias.deleted', { name, alias });
    return {};
  }

  async getModelVersionByAlias(req: { name: string; alias: string }): Promise<ModelVersionResponse> {
    return {
      model_version: await this.store.getModelVersionByAlias(
        required(req.name, 'name'),
        required(req.alias, 'alias'),
      ),
    };
  }

  // ---- model versions ----

  async createModelVersion(req: {
    name: string;
    source: string;
    run_id?: string;
    tags?: { key?: string; value?: string }[];
    run_link?: string;
    description?: string;
  }): Promise<ModelVersionResponse> {
    const name = required(req.name, 'name');
    const source = required(req.source, 'source');
    const runId = req.run_id ?? '';
    const runLink = req.run_link ?? '';
    const description = req.description ?? '';
    validateLength('Model version source', source, WIDTH.source);
    validateLength('Model version run_id', runId, WIDTH.runId);
    validateLength('Model version run_link', runLink, WIDTH.runLink);
    validateLength('Model version description', description, WIDTH.description);
    const tags = tagsOf('Model version', req.tags);
    const storageLocation = await this.storageLocationOf(source, runId);
    const version = await this.store.createModelVersion({
      name,
      source,
      storageLocation,
      runId,
      runLink,
      description,
      tags,
    });
    this.announce('model_version.created', {
      name,
      version: version.version,
      source,
      run_id: runId || null,
      tags: Object.fromEntries(tags.map((t) => [t.key, t.value])),
      description: description || null,
    });
    return { model_version: version };
  }

  /** Source checks of spec §3.4; a `models:/` source is stored with the referenced version's location. */
  private async storageLocationOf(source: string, runId: string): Promise<string> {
    if (isLocalSource(source)) {
      if (!runId) throw invalidLocalSource(source);
      const run = await this.tracking.getRun(runId).catch(() => {
        throw invalidLocalSource(source);
      });
      const root = localSourcePath(run.info.artifact_uri ?? '');
      const path = localSourcePath(source);
      const inside =
        root !== '' &&
        isLocalSource(root) &&
        (path === root || path.startsWith(`${root.replace(/\/+$/, '')}/`));
      if (!inside || path.split('/').includes('..')) throw invalidLocalSource(source);
      return source;
    }
    checkRemoteSource(source);
    if (source.startsWith('models:')) return this.resolveModelsUri(source);
    return source;
  }

  /** The storage location a `models:/` URI names (spec §7.1). */
  async resolveModelsUri(uri: string): Promise<string> {
    const ref = parseModelsUri(uri);
    let version: number;
    if (ref.alias !== undefined) {
      version = Number((await this.store.getModelVersionByAlias(ref.name, ref.alias)).version);
    } else if (ref.version !== undefined) {
      version = parseModelVersion(ref.version);
    } else {
      const stage = ref.stage?.toLowerCase() === 'latest' ? [] : [canonicalStage(ref.stage ?? '')];
      const latest = await this.store.getLatestVersions(ref.name, stage);
      const top = latest.reduce((best, v) => (Number(v.version) > best ? Number(v.version) : best), 0);
      if (top === 0)
        throw MlflowError.notFound(
          `No versions of model with name '${ref.name}' and stage '${ref.stage}' found`,
        );
      version = top;
    }
    return this.store.getModelVersionDownloadUri(ref.name, version);
  }

  async getModelVersion(req: { name: string; version: string }): Promise<ModelVersionResponse> {
    const version = parseModelVersion(required(req.version, 'version'));
    return { model_version: await this.store.getModelVersion(required(req.name, 'name'), version) };
  }

  async updateModelVersion(req: {
    name: string;
    version: string;
    description?: string;
  }): Promise<ModelVersionResponse> {
    const name = required(req.name, 'name');
    const version = parseModelVersion(required(req.version, 'version'));
    const description = req.description ?? '';
    validateLength('Model version description', description, WIDTH.description);
    return { model_version: await this.store.updateModelVersion(name, version, description) };
  }

  async transitionModelVersionStage(req: {
    name: string;
    version: string;
    stage: string;
    archive_existing_versions?: boolean;
  }): Promise<ModelVersionResponse> {
    const name = required(req.name, 'name');
    const version = parseModelVersion(required(req.version, 'version'));
    const stage: ModelVersionStage = canonicalStage(required(req.stage, 'stage'));
    const archive = req.archive_existing_versions ?? false;
    checkArchiveExisting(stage, archive);
    const mv = await this.store.transitionStage(name, version, stage, archive);
    this.events.emit('model_version.transitioned', {
      name,
      version: mv.version,
      to_stage: stage,
      archive_existing_versions: archive,
    });
    return { model_version: mv };
  }

  async deleteModelVersion(req: { name: string; version: string }) {
    const name = required(req.name, 'name');
    const version = parseModelVersion(required(req.version, 'version'));
    await this.store.deleteModelVersion(name, version);
    this.events.emit('model_version.deleted', { name, version: String(version) });
    return {};
  }

  async searchModelVersions(req: {
    filter?: string;
    max_results?: number;
    order_by?: string[];
    page_token?: string;
  }): Promise<SearchModelVersionsResponse> {
    const maxResults = maxResultsOf(
      req.max_results,
      LIMITS.searchModelVersionsMaxResults,
      LIMITS.searchModelVersionsMaxResults,
    );
    const { queryingPrompts, clauses } = splitPromptFilter(parseModelVersionFilter(req.filter));
    const page = await this.store.searchModelVersions({
      filter: clauses,
      orderBy: parseModelVersionOrderBy(req.order_by),
      maxResults,
      offset: decodePageToken(req.page_token),
      includePrompts: queryingPrompts,
    });
    const out: SearchModelVersionsResponse = {};
    if (page.items.length > 0) out.model_versions = page.items;
    if (page.nextOffset !== undefined) out.next_page_token = encodePageToken(page.nextOffset);
    return out;
  }

  async getModelVersionDownloadUri(req: {
    name: string;
    version: string;
  }): Promise<GetModelVersionDownloadUriResponse> {
    const version = parseModelVersion(required(req.version, 'version'));
    return { artifact_uri: await this.store.getModelVersionDownloadUri(required(req.name, 'name'), version) };
  }

  async setModelVersionTag(req: { name: string; version: string; key: string; value?: string }) {
    const name = required(req.name, 'name');
    const version = parseModelVersion(required(req.version, 'version'));
    const key = required(req.key, 'key');
    if (req.value === undefined) throw missing('value');
    validateRegistryTag('Model version', key, req.value);
    await this.store.setModelVersionTag(name, version, key, req.value);
    this.announce('model_version_tag.set', { name, version: String(version), key, value: req.value });
    return {};
  }

  async deleteModelVersionTag(req: { name: string; version: string; key: string }) {
    const name = required(req.name, 'name');
    const version = parseModelVersion(required(req.version, 'version'));
    const key = required(req.key, 'key');
    await this.store.deleteModelVersionTag(name, version, key);
    this.announce('model_version_tag.deleted', { name, version: String(version), key });
    return {};
  }
}
