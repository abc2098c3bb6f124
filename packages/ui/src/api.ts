/**
 * The one client the app uses: the SDK's MlflowClient against this page's origin, every call under
 * `/ajax-api/2.0` (the UI's prefix, spec §0.1). The artifact listing goes through its RestClient: the SDK's
 * own listArtifacts asks under `/api/2.0`.
 */
import { isApiError, MlflowClient, type RawRequest } from '@mlflow-ts/client';
import { AJAX_PREFIX } from '@mlflow-ts/protocol';

// A person is waiting: one quick retry for a busy server, not the SDK's five with minute-long backoff.
export const client = new MlflowClient({
  trackingUri: window.location.origin,
  ajax: true,
  maxRetries: 1,
  backoffMs: 500,
  timeoutMs: 60_000,
});

const call = <T>(method: RawRequest['method'], path: string, fields: object, rpc: string) =>
  client.rest.request<T>({ method, path: `${AJAX_PREFIX}/mlflow${path}`, fields, rpc });

/** An error as the server put it: `CODE: message` for API errors, the message otherwise. */
export function errorText(err: unknown): string {
  if (isApiError(err)) return `${err.errorCode}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

// ---- registry (spec §1.4, §2.3) ----

export type { ModelVersion, RegisteredModel } from '@mlflow-ts/client';

export const STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;

export const registry = {
  searchModels: (filter: string) =>
    client.searchRegisteredModels({
      filterString: filter || undefined,
      maxResults: 100,
      orderBy: ['name ASC'],
    }),
  getModel: (name: string) => client.getRegisteredModel(name),
  searchVersions: async (name: string) =>
    (
      await client.searchModelVersions({
        // Names may hold quotes; the grammar has no escapes, so pick the quote the name lacks.
        filterString: name.includes("'") ? `name="${name}"` : `name='${name}'`,
        maxResults: 1000,
      })
    ).items,
  getVersion: (name: string, version: string) => client.getModelVersion(name, version),
  setAlias: (name: string, alias: string, version: string) =>
    client.setRegisteredModelAlias(name, alias, version),
  deleteAlias: (name: string, alias: string) => client.deleteRegisteredModelAlias(name, alias),
  transitionStage: (name: string, version: string, stage: string, archiveExisting: boolean) =>
    client.transitionModelVersionStage(name, version, stage, archiveExisting),
  updateModelDescription: (name: string, description: string) =>
    client.updateRegisteredModel(name, description),
  updateVersionDescription: (name: string, version: string, description: string) =>
    client.updateModelVersion(name, version, description),
  setModelTag: (name: string, key: string, value: string) => client.setRegisteredModelTag(name, key, value),
  deleteModelTag: (name: string, key: string) => client.deleteRegisteredModelTag(name, key),
  setVersionTag: (name: string, version: string, key: string, value: string) =>
    client.setModelVersionTag(name, version, key, value),
  deleteVersionTag: (name: string, version: string, key: string) =>
    client.deleteModelVersionTag(name, version, key),
  /** A file below the version's source (the server resolves it, as for MLflow's own UI). */
  versionArtifactUrl: (name: string, version: string, path: string) =>
    `/model-versions/get-artifact?${new URLSearchParams({ name, version, path }).toString()}`,
};

// ---- artifacts (spec §1.3) ----

export interface FileInfo {
  path: string;
  is_dir: boolean;
  file_size?: number;
}

export const artifacts = {
  list: async (runId: string, path: string) =>
    (
      await call<{ root_uri?: string; files?: FileInfo[] }>(
        'GET',
        '/artifacts/list',
        { run_id: runId, run_uuid: runId, path: path || undefined },
        'listArtifacts',
      )
    ).files ?? [],
  /** The download URL of one file (`/get-artifact` answers with the raw bytes). */
  url: (runId: string, path: string) =>
    `/get-artifact?${new URLSearchParams({ run_uuid: runId, path }).toString()}`,
};

// ---- our addition: every key of an experiment's runs (docs/ui.md) ----

export interface RunKeys {
  metrics: string[];
  params: string[];
  tags: string[];
  truncated: boolean;
}

/** Distinct metric, param and tag keys of all runs of the experiments (the first 1,000 of each kind). */
export const runKeys = (experimentIds: readonly string[]) =>
  call<RunKeys>('GET', '/experiments/run-keys', { experiment_ids: [...experimentIds] }, 'runKeys');
