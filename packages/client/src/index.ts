/**
 * `@mlflow-ts/client`: the browser-safe core of the SDK. In Node, import `@mlflow-ts/client/node` instead:
 * it re-exports all of this and adds environment variables, system run tags and exit-time flushing.
 */
import './polyfills.ts';

export { ArtifactHttp, type UploadBody } from './artifact-http.ts';
export type { ProxyLocation } from './artifact-uri.ts';
export { BatchingLogger, type BatchingLoggerOptions, type MetricPoint } from './batching-logger.ts';
export { DEFAULT_TRACKING_URI, resolveClientOptions } from './config.ts';
export { type ContextProvider, EMPTY_CONTEXT, getContextProvider, setContextProvider } from './context.ts';
export type * from './entities.ts';
export { isApiError, MetricDeliveryError, MlflowApiError, MlflowNetworkError } from './errors.ts';
export {
  activeRun,
  configure,
  endAllRuns,
  endRun,
  type FluentOptions,
  type FluentSearchRunsOptions,
  flushAsyncLogging,
  getClient,
  getTrackingUri,
  hasPendingMetrics,
  lastActiveRun,
  logMetric,
  logMetrics,
  logParam,
  logParams,
  type StartRunOptions,
  searchRuns,
  setExperiment,
  setTag,
  setTags,
  setTrackingUri,
  startRun,
  withRun,
} from './fluent.ts';
export {
  type LogBatchInput,
  MlflowClient,
  type MlflowClientOptions,
  type SearchExperimentsOptions,
  type SearchRunsOptions,
} from './mlflow-client.ts';
export {
  type ModelVersion,
  type ParsedModelsUri,
  parseModelsUri,
  type RegisteredModel,
  RegistryClient,
  type RegistrySearchOptions,
} from './registry-client.ts';
export { type RawRequest, RestClient, type RestClientOptions } from './rest-client.ts';
export type { RegistryRpcs, RequestOf, ResponseOf, RpcName, Rpcs, TrackingRpcs } from './rpc-types.ts';
export { ActiveRun, type MetricOptions } from './run-handle.ts';
export { decodeDouble, encodeDouble } from './wire-codec.ts';
