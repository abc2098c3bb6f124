export { MlflowError } from './core/mlflow-error.ts';
export { type AppDeps, type AppOptions, buildApp } from './http/build-app.ts';
export { TrackingService } from './services/tracking-service.ts';
export { migrate } from './store/sql/migrate.ts';
export { openDatabase } from './store/sql/open-database.ts';
export { openSqlTrackingStore, SqlTrackingStore } from './store/sql/sql-tracking-store.ts';
export type { TrackingStore } from './store/tracking-store.ts';
