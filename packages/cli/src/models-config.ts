/**
 * Configuration of `models serve` and `models predict`: flags, then MLflow's environment names
 * (MLFLOW_SCORING_SERVER_REQUEST_TIMEOUT, spec §8), then defaults; parsed once, frozen.
 */
import { availableParallelism } from 'node:os';
import { defaultModelCacheDir, parseRoute, type RouteWeight } from '@mlflow-ts/models';

type Env = Record<string, string | undefined>;

function int(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${name} must be an integer between ${min} and ${max}, got '${raw}'`);
  }
  return n;
}

export interface ModelsServeConfig {
  readonly modelUri: string;
  readonly host: string;
  readonly port: number;
  readonly workers: number;
  readonly threads: number;
  readonly maxBatchRows: number;
  readonly maxWaitMs: number;
  readonly timeoutSeconds: number;
  readonly logLevel: string;
  /** For runs:/ and models:/ URIs: --tracking-uri, else MLFLOW_TRACKING_URI. */
  readonly trackingUri: string | null;
  /** MLFLOW_TS_MODEL_CACHE, else ~/.cache/mlflow-ts/models. */
  readonly modelCacheDir: string;
  /** --route ALIAS=WEIGHT (a rollout of models:/<name>). */
  readonly routes: readonly RouteWeight[];
  /** --shadow ALIAS: scored and logged, never answers. */
  readonly shadow: string | null;
  /** --refresh-interval: seconds between alias re-resolutions (0: only on SIGHUP). */
  readonly refreshIntervalSeconds: number;
  readonly drift: DriftConfig;
  /** --request-log or MLFLOW_TS_ACCESS_LOG=true: a structured line per /invocations request. */
  readonly requestLog: boolean;
  /** --log-payloads F: the fraction (0..1) of requests whose bodies are logged too. */
  readonly logPayloads: number;
}

function fraction(name: string, raw: string | undefined): number {
  if (raw === undefined || raw === '') return 0;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < 0 || v > 1)
    throw new Error(`${name} must be a fraction between 0 and 1, got '${raw}'`);
  return v;
}

export interface DriftConfig {
  /** --drift-threshold p=X / psi=Y (repeatable); p=0.01 when neither is given. */
  readonly pValue: number | null;
  readonly psi: number | null;
  readonly window: number;
  readonly minRows: number;
  readonly intervalSeconds: number;
  readonly webhookUrl: string | null;
  /** MLFLOW_TS_DRIFT_WEBHOOK_SECRET: kept out of flags so it does not show in `ps`. */
  readonly webhookSecret: string | null;
}

function driftConfig(flags: Record<string, string | string[] | boolean | undefined>, env: Env): DriftConfig {
  let pValue: number | null = null;
  let psi: number | null = null;
  for (const t of (flags.driftThreshold as string[] | undefined) ?? []) {
    const m = /^(p|psi)=([0-9.eE+-]+)$/.exec(t.trim());
    const v = m ? Number(m[2]) : Number.NaN;
    if (!m || !Number.isFinite(v) || v <= 0 || (m[1] === 'p' && v >= 1)) {
      throw new Error(`--drift-threshold must be p=<0..1> or psi=<number above 0>, got '${t}'`);
    }
    if (m[1] === 'p') pValue = v;
    else psi = v;
  }
  if (pValue === null && psi === null) pValue = 0.01;
  const url = (flags.driftWebhook as string | undefined) ?? null;
  if (url !== null && !/^https?:\/\/./.test(url))
    throw new Error(`--drift-webhook must be an http(s) URL, got '${url}'`);
  const window = int('--drift-window', flags.driftWindow as string | undefined, 5000, 10, 10_000_000);
  return {
    pValue,
    psi,
    window,
    minRows: Math.min(
      window,
      int('--drift-min-rows', flags.driftMinRows as string | undefined, 500, 1, 10_000_000),
    ),
    intervalSeconds: int('--drift-interval', flags.driftInterval as string | undefined, 10, 0, 86_400),
    webhookUrl: url,
    webhookSecret: env.MLFLOW_TS_DRIFT_WEBHOOK_SECRET || null,
  };
}

function remote(flags: Record<string, unknown>, env: Env) {
  return {
    trackingUri: (flags.trackingUri as string | undefined) || env.MLFLOW_TRACKING_URI || null,
    modelCacheDir: defaultModelCacheDir(env),
  };
}

export function modelsServeConfig(
  flags: Record<string, string | string[] | boolean | undefined>,
  env: Env,
): ModelsServeConfig {
  const routes = ((flags.route as string[] | undefined) ?? []).map(parseRoute);
  return Object.freeze({
    modelUri: flags.modelUri as string,
    host: (flags.host as string | undefined) ?? '127.0.0.1',
    port: int('--port', flags.port as string | undefined, 5000, 0, 65535),
    workers: int(
      '--workers',
      flags.workers as string | undefined,
      1,
      1,
      Math.max(64, availableParallelism()),
    ),
    threads: int('--threads', flags.threads as string | undefined, 1, 1, 256),
    maxBatchRows: int('--max-batch-rows', flags.maxBatchRows as string | undefined, 8192, 1, 10_000_000),
    maxWaitMs: int('--max-wait-ms', flags.maxWaitMs as string | undefined, 0, 0, 10_000),
    timeoutSeconds: int(
      '--timeout',
      (flags.timeout as string | undefined) ?? env.MLFLOW_SCORING_SERVER_REQUEST_TIMEOUT,
      60,
      1,
      86_400,
    ),
    logLevel: env.MLFLOW_TS_LOG_LEVEL ?? 'info',
    ...remote(flags, env),
    routes: Object.freeze(routes),
    shadow: (flags.shadow as string | undefined) ?? null,
    refreshIntervalSeconds: int(
      '--refresh-interval',
      flags.refreshInterval as string | undefined,
      60,
      0,
      86_400,
    ),
    drift: Object.freeze(driftConfig(flags, env)),
    requestLog: flags.requestLog === true || /^(1|true|yes)$/i.test(env.MLFLOW_TS_ACCESS_LOG ?? ''),
    logPayloads: fraction('--log-payloads', flags.logPayloads as string | undefined),
  });
}

export interface ModelsPredictConfig {
  readonly modelUri: string;
  readonly inputPath: string | null;
  readonly outputPath: string | null;
  readonly format: 'csv' | 'jsonl' | 'parquet';
  /** From the output file's extension: .csv, .parquet, else JSON lines (also for stdout). */
  readonly outputFormat: 'csv' | 'jsonl' | 'parquet';
  readonly threads: number;
  /** Bytes of input rows per inference call (whole rows; see predict-stream.ts for why 64 KB). */
  readonly chunkBytes: number;
  /** Parquet rows per inference call: --chunk-rows, else chunkBytes / 16 (4096 by default). */
  readonly chunkRows: number;
  readonly progress: boolean;
  readonly trackingUri: string | null;
  readonly modelCacheDir: string;
}

export function modelsPredictConfig(
  flags: Record<string, string | boolean | undefined>,
  env: Env,
): ModelsPredictConfig {
  const input = (flags.inputPath as string | undefined) ?? null;
  const output = (flags.outputPath as string | undefined) ?? null;
  const type = flags.contentType as string | undefined;
  if (type !== undefined && !['csv', 'json', 'parquet'].includes(type))
    throw new Error(`--content-type must be csv, json or parquet, got '${type}'`);
  let format: 'csv' | 'jsonl' | 'parquet';
  if (type === 'csv' || (!type && input && /\.csv$/i.test(input))) format = 'csv';
  else if (type === 'parquet' || (!type && input && /\.parquet$/i.test(input))) format = 'parquet';
  else format = 'jsonl';
  // Parquet is read from the footer backwards, so it needs a file, not a pipe.
  if (format === 'parquet' && !input) throw new Error('Parquet input needs -i <file> (stdin cannot be read)');
  const outputFormat =
    output && /\.csv$/i.test(output) ? 'csv' : output && /\.parquet$/i.test(output) ? 'parquet' : 'jsonl';
  // --chunk-rows (older flag) is turned into bytes at ~16 bytes a row of numeric CSV, and back.
  const chunkBytes = flags.chunkRows
    ? int('--chunk-rows', flags.chunkRows as string, 4096, 1, 10_000_000) * 16
    : int('--chunk-bytes', flags.chunkBytes as string | undefined, 65536, 256, 1 << 30);
  return Object.freeze({
    modelUri: flags.modelUri as string,
    inputPath: input,
    outputPath: output,
    format,
    outputFormat,
    threads: int('--threads', flags.threads as string | undefined, availableParallelism(), 1, 256),
    chunkBytes,
    chunkRows: Math.max(1, Math.round(chunkBytes / 16)),
    progress: flags.progress !== false,
    ...remote(flags, env),
  });
}

export interface ModelsDockerfileConfig {
  readonly modelUri: string;
  /** -d/--output-directory, MLflow's default name. */
  readonly outputDir: string;
  readonly trackingUri: string | null;
  readonly modelCacheDir: string;
}

export function modelsDockerfileConfig(
  flags: Record<string, string | undefined>,
  env: Env,
): ModelsDockerfileConfig {
  return Object.freeze({
    modelUri: flags.modelUri as string,
    outputDir: flags.outputDirectory || 'mlflow-dockerfile',
    ...remote(flags, env),
  });
}
