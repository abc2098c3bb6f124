/** Request schemas and response types of the model registry (spec §1.4). */
import type { Static } from '@sinclair/typebox';
import type { ModelVersion, RegisteredModel } from '../entities.ts';
import { Bool, Int64, Msg, Opt, Rep, Str } from '../proto.ts';

const Tag = () => Msg({ key: Opt(Str()), value: Opt(Str()) });

// ---- registered models ----
export const CreateRegisteredModel = Msg({
  name: Str(),
  tags: Opt(Rep(Tag())),
  description: Opt(Str()),
});
export const GetRegisteredModel = Msg({ name: Str() });
export const RenameRegisteredModel = Msg({ name: Str(), new_name: Opt(Str()) });
export const UpdateRegisteredModel = Msg({ name: Str(), description: Opt(Str()) });
export const DeleteRegisteredModel = Msg({ name: Str() });
export const SearchRegisteredModels = Msg({
  filter: Opt(Str()),
  max_results: Opt(Int64()),
  order_by: Opt(Rep(Str())),
  page_token: Opt(Str()),
});
export const GetLatestVersions = Msg({ name: Str(), stages: Opt(Rep(Str())) });
export const SetRegisteredModelTag = Msg({ name: Str(), key: Str(), value: Opt(Str()) });
export const DeleteRegisteredModelTag = Msg({ name: Str(), key: Str() });
export const SetRegisteredModelAlias = Msg({ name: Str(), alias: Str(), version: Str() });
export const DeleteRegisteredModelAlias = Msg({ name: Str(), alias: Str() });
export const GetModelVersionByAlias = Msg({ name: Str(), alias: Str() });

// ---- model versions ----
export const CreateModelVersion = Msg({
  name: Str(),
  source: Str(),
  run_id: Opt(Str()),
  tags: Opt(Rep(Tag())),
  run_link: Opt(Str()),
  description: Opt(Str()),
});
export const GetModelVersion = Msg({ name: Str(), version: Str() });
export const UpdateModelVersion = Msg({ name: Str(), version: Str(), description: Opt(Str()) });
export const TransitionModelVersionStage = Msg({
  name: Str(),
  version: Str(),
  stage: Str(),
  archive_existing_versions: Opt(Bool()),
});
export const DeleteModelVersion = Msg({ name: Str(), version: Str() });
export const SearchModelVersions = Msg({
  filter: Opt(Str()),
  max_results: Opt(Int64()),
  order_by: Opt(Rep(Str())),
  page_token: Opt(Str()),
});
export const GetModelVersionDownloadUri = Msg({ name: Str(), version: Str() });
export const SetModelVersionTag = Msg({ name: Str(), version: Str(), key: Str(), value: Opt(Str()) });
export const DeleteModelVersionTag = Msg({ name: Str(), version: Str(), key: Str() });

export type CreateRegisteredModelRequest = Static<typeof CreateRegisteredModel>;
export type SearchRegisteredModelsRequest = Static<typeof SearchRegisteredModels>;
export type CreateModelVersionRequest = Static<typeof CreateModelVersion>;
export type TransitionModelVersionStageRequest = Static<typeof TransitionModelVersionStage>;
export type SearchModelVersionsRequest = Static<typeof SearchModelVersions>;

// ---- responses ----
export interface RegisteredModelResponse {
  registered_model: RegisteredModel;
}
export interface ModelVersionResponse {
  model_version: ModelVersion;
}
export interface SearchRegisteredModelsResponse {
  registered_models?: RegisteredModel[];
  next_page_token?: string;
}
export interface ModelVersionsResponse {
  model_versions?: ModelVersion[];
}
export interface SearchModelVersionsResponse {
  model_versions?: ModelVersion[];
  next_page_token?: string;
}
export interface GetModelVersionDownloadUriResponse {
  artifact_uri: string;
}
