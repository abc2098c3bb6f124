export {
  type ArtifactEntry,
  ArtifactLocations,
  type ArtifactRepository,
  type ArtifactStoreSettings,
  createS3Client,
  LocalArtifactRepository,
  normalizeArtifactPath,
  openArtifactRepository,
  S3ArtifactRepository,
  type S3Settings,
  storageLocationOf,
} from './artifacts/index.ts';
export { parseDuration } from './core/duration.ts';
export { MlflowError } from './core/mlflow-error.ts';
export { signDelivery, verifyDelivery } from './core/webhook-signature.ts';
export { type AppDeps, type AppOptions, buildApp } from './http/build-app.ts';
export { ReadPool, type ReadPoolOptions } from './read-pool/read-pool.ts';
export { ArtifactService } from './services/artifact-service.ts';
export { EVENT_NAMES, type EventName, type ServerEvents } from './services/events.ts';
export { type GcOptions, type GcReport, GcService, RETENTION_TAG } from './services/gc-service.ts';
export { RegistryService } from './services/registry-service.ts';
export { RunKeysService } from './services/run-keys-service.ts';
export { TrackingService } from './services/tracking-service.ts';
export { type DispatcherOptions, WebhookDispatcher } from './services/webhook-dispatcher.ts';
export { WebhookService } from './services/webhook-service.ts';
export { migrate } from './store/sql/migrate.ts';
export { openDatabase, sqlitePathFromUri } from './store/sql/open-database.ts';
export { SqlRegistryStore } from './store/sql/registry-store.ts';
export { openSqlTrackingStore, SqlTrackingStore } from './store/sql/sql-tracking-store.ts';
export type { TrackingStore } from './store/tracking-store.ts';
