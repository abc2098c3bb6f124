/**
 * Request and (decoded) response type of each tracking RPC the SDK calls. Protocol's route table keeps
 * names and schemas as plain `string`/`TObject` (its `r()` helper widens them), so the pairing is spelled
 * out here; the request types still come from protocol's schemas via TypeBox's `static` member.
 */
import type * as P from '@mlflow-ts/protocol';
import type { Metric, MetricWithRunId, Run } from './entities.ts';

type Req<S extends { static: unknown }> = S['static'];
type Empty = P.EmptyResponse;

export interface TrackingRpcs {
  createExperiment: { request: Req<typeof P.CreateExperiment>; response: P.CreateExperimentResponse };
  getExperiment: { request: Req<typeof P.GetExperiment>; response: P.GetExperimentResponse };
  getExperimentByName: { request: Req<typeof P.GetExperimentByName>; response: P.GetExperimentResponse };
  searchExperiments: { request: Req<typeof P.SearchExperiments>; response: P.SearchExperimentsResponse };
  deleteExperiment: { request: Req<typeof P.DeleteExperiment>; response: Empty };
  restoreExperiment: { request: Req<typeof P.RestoreExperiment>; response: Empty };
  updateExperiment: { request: Req<typeof P.UpdateExperiment>; response: Empty };
  setExperimentTag: { request: Req<typeof P.SetExperimentTag>; response: Empty };
  deleteExperimentTag: { request: Req<typeof P.DeleteExperimentTag>; response: Empty };
  createRun: { request: Req<typeof P.CreateRun>; response: { run: Run } };
  updateRun: { request: Req<typeof P.UpdateRun>; response: P.UpdateRunResponse };
  deleteRun: { request: Req<typeof P.DeleteRun>; response: Empty };
  restoreRun: { request: Req<typeof P.RestoreRun>; response: Empty };
  getRun: { request: Req<typeof P.GetRun>; response: { run: Run } };
  logMetric: { request: Req<typeof P.LogMetric>; response: Empty };
  logParam: { request: Req<typeof P.LogParam>; response: Empty };
  setTag: { request: Req<typeof P.SetTag>; response: Empty };
  deleteTag: { request: Req<typeof P.DeleteTag>; response: Empty };
  logBatch: { request: Req<typeof P.LogBatch>; response: Empty };
  logModel: { request: Req<typeof P.LogModel>; response: Empty };
  logInputs: { request: Req<typeof P.LogInputs>; response: Empty };
  searchRuns: { request: Req<typeof P.SearchRuns>; response: { runs?: Run[]; next_page_token?: string } };
  getMetricHistory: {
    request: Req<typeof P.GetMetricHistory>;
    response: { metrics?: Metric[]; next_page_token?: string };
  };
  getMetricHistoryBulkInterval: {
    request: Req<typeof P.GetMetricHistoryBulkInterval>;
    response: { metrics?: MetricWithRunId[] };
  };
}

/** The model registry RPCs (spec §1.4). */
export interface RegistryRpcs {
  createRegisteredModel: {
    request: Req<typeof P.CreateRegisteredModel>;
    response: P.RegisteredModelResponse;
  };
  getRegisteredModel: { request: Req<typeof P.GetRegisteredModel>; response: P.RegisteredModelResponse };
  renameRegisteredModel: {
    request: Req<typeof P.RenameRegisteredModel>;
    response: P.RegisteredModelResponse;
  };
  updateRegisteredModel: {
    request: Req<typeof P.UpdateRegisteredModel>;
    response: P.RegisteredModelResponse;
  };
  deleteRegisteredModel: { request: Req<typeof P.DeleteRegisteredModel>; response: Empty };
  searchRegisteredModels: {
    request: Req<typeof P.SearchRegisteredModels>;
    response: P.SearchRegisteredModelsResponse;
  };
  getLatestVersions: { request: Req<typeof P.GetLatestVersions>; response: P.ModelVersionsResponse };
  setRegisteredModelTag: { request: Req<typeof P.SetRegisteredModelTag>; response: Empty };
  deleteRegisteredModelTag: { request: Req<typeof P.DeleteRegisteredModelTag>; response: Empty };
  setRegisteredModelAlias: { request: Req<typeof P.SetRegisteredModelAlias>; response: Empty };
  deleteRegisteredModelAlias: { request: Req<typeof P.DeleteRegisteredModelAlias>; response: Empty };
  getModelVersionByAlias: { request: Req<typeof P.GetModelVersionByAlias>; response: P.ModelVersionResponse };
  createModelVersion: { request: Req<typeof P.CreateModelVersion>; response: P.ModelVersionResponse };
  getModelVersion: { request: Req<typeof P.GetModelVersion>; response: P.ModelVersionResponse };
  updateModelVersion: { request: Req<typeof P.UpdateModelVersion>; response: P.ModelVersionResponse };
  transitionModelVersionStage: {
    request: Req<typeof P.TransitionModelVersionStage>;
    response: P.ModelVersionResponse;
  };
  deleteModelVersion: { request: Req<typeof P.DeleteModelVersion>; response: Empty };
  searchModelVersions: {
    request: Req<typeof P.SearchModelVersions>;
    response: P.SearchModelVersionsResponse;
  };
  getModelVersionDownloadUri: {
    request: Req<typeof P.GetModelVersionDownloadUri>;
    response: P.GetModelVersionDownloadUriResponse;
  };
  setModelVersionTag: { request: Req<typeof P.SetModelVersionTag>; response: Empty };
  deleteModelVersionTag: { request: Req<typeof P.DeleteModelVersionTag>; response: Empty };
}

export type Rpcs = TrackingRpcs & RegistryRpcs;
export type RpcName = keyof Rpcs;
export type RequestOf<R extends RpcName> = Rpcs[R]['request'];
export type ResponseOf<R extends RpcName> = Rpcs[R]['response'];

/**
 * RPCs that are safe to resend when we cannot know whether the first attempt arrived (timeout, reset):
 * reads, and writes the server treats as idempotent — duplicate metric points are ignored, re-logging a
 * param with the same value is a no-op, tags and run status are upserts (spec §1.2, §3.3).
 */
export const IDEMPOTENT_RPCS: ReadonlySet<string> = new Set<RpcName>([
  'getExperiment',
  'getExperimentByName',
  'getRegisteredModel',
  'searchRegisteredModels',
  'getLatestVersions',
  'getModelVersion',
  'getModelVersionByAlias',
  'searchModelVersions',
  'getModelVersionDownloadUri',
  'setRegisteredModelTag',
  'setModelVersionTag',
  'setRegisteredModelAlias',
  'searchExperiments',
  'getRun',
  'searchRuns',
  'getMetricHistory',
  'getMetricHistoryBulkInterval',
  'logMetric',
  'logParam',
  'setTag',
  'logBatch',
  'updateRun',
  'setExperimentTag',
]);
