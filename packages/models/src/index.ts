/**
 * `@mlflow-ts/models`: the MLmodel format, signatures and schema enforcement, the onnx and js_function
 * flavors, the scoring server and batch prediction.
 */

export { openFileBuffer } from './batch/file-buffer.ts';
export { type PlannedColumn, planParquetColumns } from './batch/parquet-plan.ts';
export { DEFAULT_ROW_GROUP_ROWS, ParquetSink } from './batch/parquet-sink.ts';
export { type InputFormat, type PredictStreamOptions, predictStream } from './batch/predict-stream.ts';
export type { OutputFormat } from './batch/score-chunk.ts';
export { DriftHub, type DriftHubOptions, type DriftReport } from './drift/hub.ts';
export type { DriftEvent, DriftThresholds, FeatureDrift } from './drift/monitor.ts';
export {
  buildTrainingProfile,
  PROFILE_FILE,
  readTrainingProfile,
  type TrainingData,
  type TrainingProfile,
  writeTrainingProfile,
} from './drift/profile.ts';
export { ksPValue, ksStatistic, psi } from './drift/stats.ts';
export { driftEventBody, sendDriftEvent, signPayload } from './drift/webhook.ts';
export { ModelError, type ModelErrorCode } from './errors.ts';
export { JS_FUNCTION, type JsModelContext } from './flavors/js-function.ts';
export {
  type LoadOptions,
  loadModelFromDir,
  pythonOnlyMessage,
  RUNNABLE_FLAVORS,
} from './flavors/load-model.ts';
export type { LoadedModel, Prediction } from './flavors/loaded-model.ts';
export { inferSchema, inferSignature } from './format/infer-signature.ts';
export { saveInputExample } from './format/input-example.ts';
export {
  type FlavorConfig,
  MLMODEL_FILE,
  type MLmodel,
  mlmodelToLogModelJson,
  newModelUuid,
  parseMLmodel,
  pythonUtcNow,
  readMLmodel,
  stringifyMLmodel,
  writeMLmodel,
} from './format/mlmodel.ts';
export { readRequirements } from './format/requirements.ts';
export { type SaveModelOptions, saveJsFunctionModel } from './format/save-model.ts';
export {
  type ColSpec,
  type ModelSignature,
  type ParamSpec,
  parseSignature,
  type Schema,
  signatureToMLmodel,
  type TensorSpec,
} from './format/signature.ts';
export { CsvParser, parseCsv } from './input/csv.ts';
export { enforceParams } from './input/enforce-params.ts';
export {
  type Column,
  type Frame,
  frameToRecords,
  type ModelInput,
  type Params,
  type Tensor,
  type TensorDict,
} from './input/model-input.ts';
export { type ParsedRequest, parseJsonRequest } from './input/parse-request.ts';
export { prepareInput } from './input/prepare-input.ts';
export { type LoadModelOptions, loadModel, type PyfuncLike } from './load-model-uri.ts';
export { type ModelUriResolver, type ParsedModelUri, parseModelUri } from './model-uri.ts';
export { predictionJson, responseBody } from './output/format-predictions.ts';
export { type LoggedModel, type LogModelOptions, logModel, type RunTarget } from './remote/log-model.ts';
export { cachedModelDir, defaultModelCacheDir } from './remote/model-cache.ts';
export { type AliasChange, Rollout, type RolloutOptions, type RouteState } from './remote/rollout.ts';
export { type ResolvedModel, TrackingModelResolver } from './remote/tracking-resolver.ts';
export { invoke } from './serving/invocation.ts';
export { ScoringMetrics } from './serving/metrics.ts';
export { createScorer, type Scorer, type ScorerOptions } from './serving/scorer.ts';
export { buildScoringApp, MLFLOW_COMPAT_VERSION, type ShadowEvent } from './serving/scoring-app.ts';
export {
  parseRoute,
  type RouteWeight,
  type ScoringTarget,
  singleTarget,
  type TargetSelector,
  validateRoutes,
  weightedIndex,
} from './serving/targets.ts';
export { WorkerPool } from './serving/worker-pool.ts';
