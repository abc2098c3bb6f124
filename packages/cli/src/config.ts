/**
 * Server configuration: flags first, then the `MLFLOW_*` environment names MLflow users already know
 * (spec §8), then defaults. Parsed once into a frozen object; nothing else reads process.env.
 */
import { availableParallelism } from 'node:os';
import type { S3Settings } from '@mlflow-ts/server';

export interface ServerConfig {
  readonly backendStoreUri: string;
  readonly defaultArtifactRoot: string;
  readonly artifactsDestination: string;
  readonly serveArtifacts: boolean;
  /** `--artifacts-only`: serve the artifact proxy alone; tracking endpoints answer 503. */
  readonly artifactsOnly: boolean;
  /** S3 access for s3:// artifact stores, from MLflow's and AWS's variable names. */
  readonly s3: S3Settings;
  readonly host: string;
  readonly port: number;
  readonly workers: number;
  readonly logLevel: string;
  readonly accessLog: boolean;
  readonly sqliteSynchronous: 'NORMAL' | 'FULL';
  readonly poolSize: number;
  /** Threads answering searches and metric histories on SQLite (0: all on the main thread). */
  readonly readThreads: number;
  /** Memory for recently sent whole metric histories, in MiB (0: none). */
  readonly historyCacheMb: number;
  /** How much of the SQLite file read connections map into memory, in MiB (0: none). */
  readonly sqliteMmapMb: number;
  /** WAL checkpoints of SQLite on a thread of their own instead of in commits. */
  readonly sqliteCheckpointThread: boolean;
  readonly sqliteWriteThread: boolean;
  /** Webhook deliveries to loopback/private addresses (off by default: SSRF). */
  readonly webhookAllowPrivateTargets: boolean;
}

export interface ServerFlags {
  backendStoreUri?: string;
  defaultArtifactRoot?: string;
  artifactsDestination?: string;
  serveArtifacts?: boolean;
  artifactsOnly?: boolean;
  host?: string;
  port?: string;
  workers?: string;
}

type Env = Record<string, string | undefined>;

function intOption(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${name} must be an integer between ${min} and ${max}, got '${raw}'`);
  }
  return n;
}

function boolEnv(raw: string | undefined): boolean | undefined {
  if (raw === undefined) return undefined;
  return ['1', 'true', 'yes', 'on'].includes(raw.toLowerCase());
}

/** MLFLOW_S3_ENDPOINT_URL and the AWS_* names MLflow's S3 store reads (spec §7.1). */
export function s3Settings(env: Env): S3Settings {
  const settings: S3Settings = {};
  if (env.MLFLOW_S3_ENDPOINT_URL) settings.endpointUrl = env.MLFLOW_S3_ENDPOINT_URL;
  const region = env.AWS_DEFAULT_REGION || env.AWS_REGION;
  if (region) settings.region = region;
  if (env.AWS_ACCESS_KEY_ID) settings.accessKeyId = env.AWS_ACCESS_KEY_ID;
  if (env.AWS_SECRET_ACCESS_KEY) settings.secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (env.AWS_SESSION_TOKEN) settings.sessionToken = env.AWS_SESSION_TOKEN;
  if (boolEnv(env.MLFLOW_S3_IGNORE_TLS)) settings.ignoreTls = true;
  return settings;
}

export function serverConfig(flags: ServerFlags, env: Env): ServerConfig {
  const serveArtifacts = flags.serveArtifacts ?? boolEnv(env.MLFLOW_SERVE_ARTIFACTS) ?? true;
  const backendStoreUri = flags.backendStoreUri ?? env.MLFLOW_BACKEND_STORE_URI ?? 'sqlite:///mlflow.db';
  const explicitRoot = flags.defaultArtifactRoot ?? env.MLFLOW_DEFAULT_ARTIFACT_ROOT;
  if (!explicitRoot && !serveArtifacts) {
    throw new Error(
      '--default-artifact-root is required when artifacts are not served (--no-serve-artifacts).',
    );
  }
  const artifactsOnly = flags.artifactsOnly ?? boolEnv(env.MLFLOW_ARTIFACTS_ONLY) ?? false;
  if (artifactsOnly && !serveArtifacts) {
    throw new Error('--artifacts-only serves artifacts; it cannot be combined with --no-serve-artifacts.');
  }
  const sync = (env.MLFLOW_TS_SQLITE_SYNCHRONOUS ?? 'NORMAL').toUpperCase();
  if (sync !== 'NORMAL' && sync !== 'FULL')
    throw new Error('MLFLOW_TS_SQLITE_SYNCHRONOUS must be NORMAL or FULL');
  return Object.freeze({
    backendStoreUri,
    // With artifact serving on, clients reach artifacts through this server (spec §1.5).
    defaultArtifactRoot: explicitRoot ?? 'mlflow-artifacts:/',
    artifactsDestination: flags.artifactsDestination ?? env.MLFLOW_ARTIFACTS_DESTINATION ?? './mlartifacts',
    serveArtifacts,
    artifactsOnly,
    s3: Object.freeze(s3Settings(env)),
    webhookAllowPrivateTargets: boolEnv(env.MLFLOW_TS_WEBHOOK_ALLOW_PRIVATE_TARGETS) ?? false,
    host: flags.host ?? env.MLFLOW_HOST ?? '127.0.0.1',
    port: intOption('--port', flags.port ?? env.MLFLOW_PORT, 5000, 0, 65535),
    workers: intOption(
      '--workers',
      flags.workers ?? env.MLFLOW_WORKERS,
      1,
      1,
      Math.max(64, availableParallelism()),
    ),
    logLevel: env.MLFLOW_TS_LOG_LEVEL ?? 'info',
    accessLog: boolEnv(env.MLFLOW_TS_ACCESS_LOG) ?? false,
    sqliteSynchronous: sync,
    poolSize: intOption('MLFLOW_TS_DB_POOL_SIZE', env.MLFLOW_TS_DB_POOL_SIZE, 10, 1, 1000),
    readThreads: intOption(
      'MLFLOW_TS_READ_THREADS',
      env.MLFLOW_TS_READ_THREADS,
      Math.min(4, availableParallelism()),
      0,
      64,
    ),
    sqliteCheckpointThread: boolEnv(env.MLFLOW_TS_SQLITE_CHECKPOINT_THREAD) ?? true,
    sqliteWriteThread: boolEnv(env.MLFLOW_TS_SQLITE_WRITE_THREAD) ?? true,
    sqliteMmapMb: intOption('MLFLOW_TS_SQLITE_MMAP_MB', env.MLFLOW_TS_SQLITE_MMAP_MB, 1024, 0, 1 << 20),
    historyCacheMb: intOption('MLFLOW_TS_HISTORY_CACHE_MB', env.MLFLOW_TS_HISTORY_CACHE_MB, 128, 0, 65536),
  });
}
