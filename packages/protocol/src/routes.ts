/**
 * The route table: every RPC the server answers, with its method(s), path and request schema.
 * Paths are relative to the API prefixes (`/api/2.0`, `/ajax-api/2.0`, and for `legacy` routes also
 * `/api/2.0/preview`). The SDK and the server are both driven by this table.
 */
import type { TObject } from '@sinclair/typebox';
import * as T from './messages/tracking.ts';

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

export const API_PREFIX = '/api/2.0';
export const AJAX_PREFIX = '/ajax-api/2.0';
export const LEGACY_PREFIX = '/api/2.0/preview';
