/** Request schemas and response types of the tracking service (spec §1.1, §1.2). */
import type { Static } from '@sinclair/typebox';
import {
  type DatasetSummary,
  type Experiment,
  type Metric,
  type MetricWithRunId,
  RUN_STATUS_NUMBERS,
  RUN_STATUSES,
  type Run,
  type RunInfo,
  VIEW_TYPE_NUMBERS,
  VIEW_TYPES,
} from '../entities.ts';
import { Double, Enum, Int32, Int64, Msg, Opt, Rep, Str } from '../proto.ts';

const KeyValue = () => Msg({ key: Str(), value: Opt(Str()) });
const ViewTypeField = () => Enum(VIEW_TYPES, VIEW_TYPE_NUMBERS);
const RunStatusField = () => Enum(RUN_STATUSES, RUN_STATUS_NUMBERS);

// ---- experiments ----
export const CreateExperiment = Msg({
  name: Str(),
  artifact_location: Opt(Str()),
  tags: Opt(Rep(Msg({ key: Opt(Str()), value: Opt(Str()) }))),
});
export const GetExperiment = Msg({ experiment_id: Str() });
export const GetExperimentByName = Msg({ experiment_name: Str() });
export const SearchExperiments = Msg({
  max_results: Opt(Int64()),
  page_token: Opt(Str()),
  filter: Opt(Str()),
  order_by: Opt(Rep(Str())),
  view_type: Opt(ViewTypeField()),
});
export const ListExperiments = Msg({
  view_type: Opt(ViewTypeField()),
  max_results: Opt(Int64()),
  page_token: Opt(Str()),
});
export const DeleteExperiment = Msg({ experiment_id: Str() });
export const RestoreExperiment = Msg({ experiment_id: Str() });
export const UpdateExperiment = Msg({ experiment_id: Str(), new_name: Opt(Str()) });
export const SetExperimentTag = Msg({ experiment_id: Str(), key: Str(), value: Opt(Str()) });
export const DeleteExperimentTag = Msg({ experiment_id: Str(), key: Str() });
export const SearchDatasets = Msg({ experiment_ids: Opt(Rep(Str())) });

// ---- runs ----
export const CreateRun = Msg({
  experiment_id: Opt(Str()),
  user_id: Opt(Str()),
  run_name: Opt(Str()),
  start_time: Opt(Int64()),
  tags: Opt(Rep(Msg({ key: Opt(Str()), value: Opt(Str()) }))),
});
/** `run_id` and `run_uuid` are both accepted; the service picks `run_id` first (spec §0.2). */
const RunRef = { run_id: Opt(Str()), run_uuid: Opt(Str()) };
export const UpdateRun = Msg({
  ...RunRef,
  status: Opt(RunStatusField()),
  end_time: Opt(Int64()),
  run_name: Opt(Str()),
});
export const DeleteRun = Msg({ run_id: Str() });
export const RestoreRun = Msg({ run_id: Str() });
export const GetRun = Msg({ ...RunRef });
export const LogMetric = Msg({
  ...RunRef,
  key: Str(),
  value: Double(),
  timestamp: Int64(),
  step: Opt(Int64()),
});
export const LogParam = Msg({ ...RunRef, key: Str(), value: Opt(Str()) });
export const SetTag = Msg({ ...RunRef, key: Str(), value: Opt(Str()) });
export const DeleteTag = Msg({ run_id: Str(), key: Str() });
export const LogBatch = Msg({
  run_id: Str(),
  metrics: Opt(Rep(Msg({ key: Str(), value: Double(), timestamp: Int64(), step: Opt(Int64()) }))),
  params: Opt(Rep(Msg({ key: Str(), value: Opt(Str()) }))),
  tags: Opt(Rep(Msg({ key: Str(), value: Opt(Str()) }))),
});
export const LogModel = Msg({ run_id: Str(), model_json: Str() });
export const LogInputs = Msg({
  run_id: Str(),
  datasets: Rep(
    Msg({
      tags: Opt(Rep(KeyValue())),
      dataset: Msg({
        name: Str(),
        digest: Str(),
        source_type: Str(),
        source: Str(),
        schema: Opt(Str()),
        profile: Opt(Str()),
      }),
    }),
  ),
});
export const SearchRuns = Msg({
  experiment_ids: Opt(Rep(Str())),
  filter: Opt(Str()),
  run_view_type: Opt(ViewTypeField()),
  max_results: Opt(Int32()),
  order_by: Opt(Rep(Str())),
  page_token: Opt(Str()),
});
export const GetMetricHistory = Msg({
  ...RunRef,
  metric_key: Str(),
  page_token: Opt(Str()),
  max_results: Opt(Int32()),
});
export const GetMetricHistoryBulkInterval = Msg({
  run_ids: Rep(Str()),
  metric_key: Str(),
  start_step: Opt(Int32()),
  end_step: Opt(Int32()),
  max_results: Opt(Int32()),
});
/** UI-only endpoint; note the singular `run_id` repeated key (spec §13 item 7). */
export const GetMetricHistoryBulk = Msg({
  run_id: Opt(Rep(Str())),
  metric_key: Opt(Str()),
  max_results: Opt(Int32()),
});

export type CreateExperimentRequest = Static<typeof CreateExperiment>;
export type SearchExperimentsRequest = Static<typeof SearchExperiments>;
export type CreateRunRequest = Static<typeof CreateRun>;
export type UpdateRunRequest = Static<typeof UpdateRun>;
export type LogMetricRequest = Static<typeof LogMetric>;
export type LogBatchRequest = Static<typeof LogBatch>;
export type LogInputsRequest = Static<typeof LogInputs>;
export type SearchRunsRequest = Static<typeof SearchRuns>;
export type GetMetricHistoryRequest = Static<typeof GetMetricHistory>;
export type GetMetricHistoryBulkIntervalRequest = Static<typeof GetMetricHistoryBulkInterval>;

// ---- responses ----
export interface CreateExperimentResponse {
  experiment_id: string;
}
export interface GetExperimentResponse {
  experiment: Experiment;
}
export interface SearchExperimentsResponse {
  experiments?: Experiment[];
  next_page_token?: string;
}
export interface CreateRunResponse {
  run: Run;
}
export interface GetRunResponse {
  run: Run;
}
export interface UpdateRunResponse {
  run_info: RunInfo;
}
export interface SearchRunsResponse {
  runs?: Run[];
  next_page_token?: string;
}
export interface GetMetricHistoryResponse {
  metrics?: Metric[];
  next_page_token?: string;
}
export interface GetMetricHistoryBulkIntervalResponse {
  metrics?: MetricWithRunId[];
}
export interface SearchDatasetsResponse {
  dataset_summaries?: DatasetSummary[];
}
// biome-ignore lint/complexity/noBannedTypes: an empty 200 is the JSON object `{}` on the wire
export type EmptyResponse = {};
