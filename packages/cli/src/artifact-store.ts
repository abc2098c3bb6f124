/**
 * Composes the artifact side of the server from its config: the proxy destination (when serving), the
 * default artifact root when it is itself a store (a path, file:// or s3://, used with
 * --no-serve-artifacts), and the service over them.
 */
import {
  ArtifactLocations,
  type ArtifactRepository,
  ArtifactService,
  openArtifactRepository,
  storageLocationOf,
  type TrackingStore,
} from '@mlflow-ts/server';
import type { ServerConfig } from './config.ts';

export interface ArtifactDeps {
  service: ArtifactService;
  artifactsOnly: boolean;
  close(): Promise<void>;
}

export function openArtifactDeps(config: ServerConfig, store: Pick<TrackingStore, 'getRun'>): ArtifactDeps {
  const settings = { s3: config.s3 };
  const proxy = config.serveArtifacts
    ? openArtifactRepository(config.artifactsDestination, settings)
    : undefined;
  const others: ArtifactRepository[] = [];
  if (storageLocationOf(config.defaultArtifactRoot)) {
    others.push(openArtifactRepository(config.defaultArtifactRoot, settings));
  }
  const locations = new ArtifactLocations(proxy, others);
  return {
    service: new ArtifactService(locations, store),
    artifactsOnly: config.artifactsOnly,
    close: () => locations.close(),
  };
}
