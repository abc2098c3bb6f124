/**
 * The route table: every RPC the server answers, with its method(s), path and request schema.
 * Paths are relative to the API prefixes (`/api/2.0`, `/ajax-api/2.0`, and for `legacy` routes also
 * `/api/2.0/preview`). The SDK and the server are both driven by this table.
 */
import type { TObject } from '@sinclair/typebox';
import * as R from './messages/registry.ts';
import * as T from './messages/tracking.ts';
import * as W from './messages/webhooks.ts';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';

export interface RouteDef {
  readonly rpc: string;
  /** The first method is the one MLflow's client uses (spec §0.5). */
  readonly methods: readonly HttpMethod[];
  readonly path: string;
  readonly request: TObject;
  /** Only under `/ajax-api/2.0` (UI routes). */
  readonly ajaxOnly?: boolean;
  /** Also served under `/api/2.0/preview` for 1.x clients. */
  readonly legacy?: boolean;
}

const r = (
  rpc: string,
  methods: readonly HttpMethod[],
  path: string,
  request: TObject,
  extra: Partial<Pick<RouteDef, 'ajaxOnly' | 'legacy'>> = {},
): RouteDef => ({ rpc, methods, path, request, ...extra });

const legacy = { legacy: true } as const;

export const TRACKING_ROUTES = [
  r('createExperiment', ['POST'], '/mlflow/experiments/create', T.CreateExperiment, legacy),
  r('getExperiment', ['GET'], '/mlflow/experiments/get', T.GetExperiment, legacy),
  r('getExperimentByName', ['GET'], '/mlflow/experiments/get-by-name', T.GetExperimentByName, legacy),
  r('searchExperiments', ['POST', 'GET'], '/mlflow/experiments/search', T.SearchExperiments, legacy),
  r('listExperiments', ['GET'], '/mlflow/experiments/list', T.ListExperiments, legacy),
  r('deleteExperiment', ['POST'], '/mlflow/experiments/delete', T.DeleteExperiment, legacy),
  r('restoreExperiment', ['POST'], '/mlflow/experiments/restore', T.RestoreExperiment, legacy),
  r('updateExperiment', ['POST'], '/mlflow/experiments/update', T.UpdateExperiment, legacy),
  r('setExperimentTag', ['POST'], '/mlflow/experiments/set-experiment-tag', T.SetExperimentTag, legacy),
  r('deleteExperimentTag', ['POST'], '/mlflow/experiments/delete-experiment-tag', T.DeleteExperimentTag),
  r('searchDatasets', ['POST'], '/mlflow/experiments/search-datasets', T.SearchDatasets, { ajaxOnly: true }),
  r('createRun', ['POST'], '/mlflow/runs/create', T.CreateRun, legacy),
  r('updateRun', ['POST'], '/mlflow/runs/update', T.UpdateRun, legacy),
  r('deleteRun', ['POST'], '/mlflow/runs/delete', T.DeleteRun, legacy),
  r('restoreRun', ['POST'], '/mlflow/runs/restore', T.RestoreRun, legacy),
  r('getRun', ['GET'], '/mlflow/runs/get', T.GetRun, legacy),
  r('logMetric', ['POST'], '/mlflow/runs/log-metric', T.LogMetric, legacy),
  r('logParam', ['POST'], '/mlflow/runs/log-parameter', T.LogParam, legacy),
  r('setTag', ['POST'], '/mlflow/runs/set-tag', T.SetTag, legacy),
  r('deleteTag', ['POST'], '/mlflow/runs/delete-tag', T.DeleteTag, legacy),
  r('logBatch', ['POST'], '/mlflow/runs/log-batch', T.LogBatch, legacy),
  r('logModel', ['POST'], '/mlflow/runs/log-model', T.LogModel, legacy),
  r('logInputs', ['POST'], '/mlflow/runs/log-inputs', T.LogInputs),
  r('searchRuns', ['POST'], '/mlflow/runs/search', T.SearchRuns, legacy),
  r('getMetricHistory', ['GET'], '/mlflow/metrics/get-history', T.GetMetricHistory, legacy),
  r(
    'getMetricHistoryBulkInterval',
    ['GET'],
    '/mlflow/metrics/get-history-bulk-interval',
    T.GetMetricHistoryBulkInterval,
  ),
  r('getMetricHistoryBulk', ['GET'], '/mlflow/metrics/get-history-bulk', T.GetMetricHistoryBulk, {
    ajaxOnly: true,
  }),
] as const satisfies readonly RouteDef[];

const RM = '/mlflow/registered-models';
const MV = '/mlflow/model-versions';

/** Model registry (spec §1.4). Aliases [2.3] postdate the 1.x preview prefix. */
export const REGISTRY_ROUTES = [
  r('createRegisteredModel', ['POST'], `${RM}/create`, R.CreateRegisteredModel, legacy),
  r('getRegisteredModel', ['GET'], `${RM}/get`, R.GetRegisteredModel, legacy),
  r('renameRegisteredModel', ['POST'], `${RM}/rename`, R.RenameRegisteredModel, legacy),
  r('updateRegisteredModel', ['PATCH'], `${RM}/update`, R.UpdateRegisteredModel, legacy),
  r('deleteRegisteredModel', ['DELETE'], `${RM}/delete`, R.DeleteRegisteredModel, legacy),
  r('searchRegisteredModels', ['GET'], `${RM}/search`, R.SearchRegisteredModels, legacy),
  r('getLatestVersions', ['POST', 'GET'], `${RM}/get-latest-versions`, R.GetLatestVersions, legacy),
  r('setRegisteredModelTag', ['POST'], `${RM}/set-tag`, R.SetRegisteredModelTag, legacy),
  r('deleteRegisteredModelTag', ['DELETE'], `${RM}/delete-tag`, R.DeleteRegisteredModelTag, legacy),
  r('setRegisteredModelAlias', ['POST'], `${RM}/alias`, R.SetRegisteredModelAlias),
  r('deleteRegisteredModelAlias', ['DELETE'], `${RM}/alias`, R.DeleteRegisteredModelAlias),
  r('getModelVersionByAlias', ['GET'], `${RM}/alias`, R.GetModelVersionByAlias),
  r('createModelVersion', ['POST'], `${MV}/create`, R.CreateModelVersion, legacy),
  r('getModelVersion', ['GET'], `${MV}/get`, R.GetModelVersion, legacy),
  r('updateModelVersion', ['PATCH'], `${MV}/update`, R.UpdateModelVersion, legacy),
  r('transitionModelVersionStage', ['POST'], `${MV}/transition-stage`, R.TransitionModelVersionStage, legacy),
  r('deleteModelVersion', ['DELETE'], `${MV}/delete`, R.DeleteModelVersion, legacy),
  r('searchModelVersions', ['GET'], `${MV}/search`, R.SearchModelVersions, legacy),
  r('getModelVersionDownloadUri', ['GET'], `${MV}/get-download-uri`, R.GetModelVersionDownloadUri, legacy),
  r('setModelVersionTag', ['POST'], `${MV}/set-tag`, R.SetModelVersionTag, legacy),
  r('deleteModelVersionTag', ['DELETE'], `${MV}/delete-tag`, R.DeleteModelVersionTag, legacy),
] as const satisfies readonly RouteDef[];

const WH = '/mlflow/webhooks';

/** Webhooks (spec §1.9). `{webhook_id}` is a path parameter; the delivery log is ours. */
export const WEBHOOK_ROUTES = [
  r('createWebhook', ['POST'], WH, W.CreateWebhook),
  r('listWebhooks', ['GET'], WH, W.ListWebhooks),
  r('getWebhook', ['GET'], `${WH}/{webhook_id}`, W.GetWebhook),
  r('updateWebhook', ['PATCH'], `${WH}/{webhook_id}`, W.UpdateWebhook),
  r('deleteWebhook', ['DELETE'], `${WH}/{webhook_id}`, W.DeleteWebhook),
  r('testWebhook', ['POST'], `${WH}/{webhook_id}/test`, W.TestWebhook),
  r('listWebhookDeliveries', ['GET'], `${WH}/{webhook_id}/deliveries`, W.ListWebhookDeliveries),
] as const satisfies readonly RouteDef[];

export const API_PREFIX = '/api/2.0';
export const AJAX_PREFIX = '/ajax-api/2.0';
export const LEGACY_PREFIX = '/api/2.0/preview';
