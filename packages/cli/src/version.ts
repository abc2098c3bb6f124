import { createRequire } from 'node:module';

declare const __MLFLOW_TS_VERSION__: string | undefined;

/** Injected by the bundler; read from package.json when running from source. */
export const VERSION: string =
  typeof __MLFLOW_TS_VERSION__ === 'string'
    ? __MLFLOW_TS_VERSION__
    : (createRequire(import.meta.url)('../package.json') as { version: string }).version;
