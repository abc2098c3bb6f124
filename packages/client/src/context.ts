/**
 * The hook that keeps the core browser-safe: everything that needs the environment (variables, OS user,
 * entry script, git) is asked of a ContextProvider. The core installs an empty one; the Node entry
 * (`@mlflow-ts/client/node`) installs one backed by `process`, `os` and `fs`.
 */

export interface ContextProvider {
  /** Settings by the MLflow environment variable names users already know (`MLFLOW_TRACKING_URI`, ...). */
  env(name: string): string | undefined;
  /** System tags for a new fluent run (Python's context registry): mlflow.user, mlflow.source.*, git. */
  runTags(): Promise<Record<string, string>> | Record<string, string>;
  /**
   * Called as the fluent API starts a run. The Node entry installs its exit hooks here rather than on
   * import, so programs that only use MlflowClient (a server, a CLI) keep their own signal handling.
   */
  runStarting?(): void;
}

/** Browsers have no environment; runs get no system tags and the user falls back to "unknown". */
export const EMPTY_CONTEXT: ContextProvider = {
  env: () => undefined,
  runTags: () => ({}),
};

let current: ContextProvider = EMPTY_CONTEXT;

export function setContextProvider(provider: ContextProvider): void {
  current = provider;
}

export function getContextProvider(): ContextProvider {
  return current;
}
