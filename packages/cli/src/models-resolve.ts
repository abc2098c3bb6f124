/**
 * Model URI → local directory for the CLI. Local paths and file:// are used in place; runs:/ and
 * models:/ go through the tracking server (--tracking-uri or MLFLOW_TRACKING_URI) into the model cache.
 */
import { stat } from 'node:fs/promises';
import { MlflowClient } from '@mlflow-ts/client/node';
import { parseModelUri, type ResolvedModel, TrackingModelResolver } from '@mlflow-ts/models';

export interface ResolveConfig {
  readonly trackingUri: string | null;
  readonly modelCacheDir: string;
}

export function trackingResolver(config: ResolveConfig, uri: string): TrackingModelResolver {
  if (!config.trackingUri) {
    throw new Error(
      `${uri} names a model on a tracking server: set MLFLOW_TRACKING_URI or pass --tracking-uri`,
    );
  }
  return new TrackingModelResolver(
    new MlflowClient({ trackingUri: config.trackingUri }),
    config.modelCacheDir,
  );
}

export async function resolveModel(uri: string, config: ResolveConfig): Promise<ResolvedModel> {
  const parsed = parseModelUri(uri);
  if (parsed.scheme !== 'local') return trackingResolver(config, uri).resolveModel(uri);
  const s = await stat(parsed.path).catch(() => null);
  if (!s?.isDirectory()) throw new Error(`Model directory not found: ${parsed.path}`);
  return { dir: parsed.path, artifactUri: parsed.path, downloaded: false };
}

export async function resolveModelDir(uri: string, config: ResolveConfig): Promise<string> {
  return (await resolveModel(uri, config)).dir;
}
