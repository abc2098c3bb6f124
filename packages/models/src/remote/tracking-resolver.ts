/**
 * `runs:/` and `models:/` model URIs through a tracking server (spec §7.1, §14.4): the registry names the
 * version, the run gives the artifact location, and the files come through the server's artifact proxy
 * into the local model cache. A location on the local file system (a server without --serve-artifacts
 * on this machine) is used in place.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type MlflowClient, type ModelVersion, parseModelsUri } from '@mlflow-ts/client/node';
import type { ModelUriResolver } from '../model-uri.ts';
import { cachedModelDir } from './model-cache.ts';

export interface ResolvedModel {
  /** Local directory holding the model. */
  dir: string;
  /** The storage URI the files came from. */
  artifactUri: string;
  /** The registry version, for models:/ URIs. */
  version?: ModelVersion;
  /** False when the cache already had it. */
  downloaded: boolean;
}

/** A plain YAML scalar when the name allows it, else a double-quoted one (JSON strings are valid YAML). */
const yamlScalar = (s: string) => (/^[A-Za-z_][\w .-]*$/.test(s) && !s.endsWith(' ') ? s : JSON.stringify(s));

function localPathOf(uri: string): string | null {
  if (uri.startsWith('file:')) return fileURLToPath(uri);
  return uri.startsWith('/') ? uri : null;
}

export class TrackingModelResolver implements ModelUriResolver {
  constructor(
    readonly client: MlflowClient,
    readonly cacheDir: string,
  ) {}

  async resolve(uri: string): Promise<string> {
    return (await this.resolveModel(uri)).dir;
  }

  async resolveModel(uri: string): Promise<ResolvedModel> {
    let version: ModelVersion | undefined;
    let artifactUri: string;
    if (uri.startsWith('models:/')) {
      const ref = parseModelsUri(uri);
      version = await this.client.modelVersionOf(ref);
      const root = await this.client.getModelVersionDownloadUri(ref.name, version.version);
      const location = ref.subPath ? `${root.replace(/\/+$/, '')}/${ref.subPath}` : root;
      // A version registered from runs:/… keeps that as its location; the client resolves it further.
      artifactUri = await this.client.resolveArtifactUri(location);
    } else if (uri.startsWith('runs:/')) {
      artifactUri = await this.client.resolveArtifactUri(uri);
    } else {
      throw new Error(`'${uri}' is not a runs:/ or models:/ URI`);
    }
    const local = localPathOf(artifactUri);
    if (local) return { dir: local, artifactUri, downloaded: false, ...(version ? { version } : {}) };

    // The registry version is part of the key so that registered_model_meta names the right version.
    const key = [
      this.client.trackingUri,
      artifactUri,
      version ? `${version.name}/${version.version}` : '',
    ].join('\n');
    const { dir, downloaded } = await cachedModelDir(this.cacheDir, key, async (staging) => {
      const got = await this.client.downloadArtifacts({ artifactUri, dstPath: staging });
      if (version) {
        // What Python writes when it downloads through models:/ (spec §5.1).
        await writeFile(
          join(got, 'registered_model_meta'),
          `model_name: ${yamlScalar(version.name)}\nmodel_version: '${version.version}'\n`,
        );
      }
      return got;
    });
    return { dir, artifactUri, downloaded, ...(version ? { version } : {}) };
  }
}
