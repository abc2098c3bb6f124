/**
 * The model registry store (spec §1.4). Like the tracking store it returns wire-shaped entities; argument
 * rules (names, aliases, stages, sources) are checked by the service before a call gets here.
 */
import type { KeyValue, ModelVersion, ModelVersionStage, RegisteredModel } from '@mlflow-ts/protocol';
import type {
  ModelVersionClause,
  ModelVersionOrderKey,
  RegisteredModelClause,
  RegisteredModelOrderKey,
} from '../core/search/index.ts';
import type { Page } from './tracking-store.ts';

export interface RegistrySearch<C, O> {
  filter: C[];
  orderBy: O[];
  maxResults: number;
  offset: number;
  /** False: prompts (models tagged `mlflow.prompt.is_prompt = 'true'`) are left out (spec §1.9). */
  includePrompts: boolean;
}

export interface NewModelVersion {
  name: string;
  source: string;
  /** Where the files are: the source, or for a `models:/` source the referenced version's location. */
  storageLocation: string;
  runId: string;
  runLink: string;
  description: string;
  tags: KeyValue[];
}

export interface RegistryStore {
  createRegisteredModel(input: {
    name: string;
    description: string;
    tags: KeyValue[];
  }): Promise<RegisteredModel>;
  getRegisteredModel(name: string): Promise<RegisteredModel>;
  /** Whether the model carries `mlflow.prompt.is_prompt = 'true'` (false when it does not exist). */
  isPrompt(name: string): Promise<boolean>;
  renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel>;
  updateRegisteredModel(name: string, description: string): Promise<RegisteredModel>;
  deleteRegisteredModel(name: string): Promise<void>;
  searchRegisteredModels(
    query: RegistrySearch<RegisteredModelClause, RegisteredModelOrderKey>,
  ): Promise<Page<RegisteredModel>>;
  /** Highest non-deleted version per stage; every stage when `stages` is empty. */
  getLatestVersions(name: string, stages: ModelVersionStage[]): Promise<ModelVersion[]>;
  setRegisteredModelTag(name: string, key: string, value: string): Promise<void>;
  deleteRegisteredModelTag(name: string, key: string): Promise<void>;

  setAlias(name: string, alias: string, version: number): Promise<void>;
  deleteAlias(name: string, alias: string): Promise<void>;
  getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion>;

  createModelVersion(input: NewModelVersion): Promise<ModelVersion>;
  getModelVersion(name: string, version: number): Promise<ModelVersion>;
  updateModelVersion(name: string, version: number, description: string): Promise<ModelVersion>;
  transitionStage(
    name: string,
    version: number,
    stage: ModelVersionStage,
    archiveExisting: boolean,
  ): Promise<ModelVersion>;
  deleteModelVersion(name: string, version: number): Promise<void>;
  searchModelVersions(
    query: RegistrySearch<ModelVersionClause, ModelVersionOrderKey>,
  ): Promise<Page<ModelVersion>>;
  getModelVersionDownloadUri(name: string, version: number): Promise<string>;
  setModelVersionTag(name: string, version: number, key: string, value: string): Promise<void>;
  deleteModelVersionTag(name: string, version: number, key: string): Promise<void>;
}
