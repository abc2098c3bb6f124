/**
 * `@mlflow-ts/client/node`: everything of the core, plus the Node context (MLFLOW_* environment
 * variables, system run tags incl. git commit) and exit hooks that end active runs and flush queued
 * metrics. Importing this module installs the context; the exit hooks follow when the fluent API starts
 * its first run (a program that never starts one, like a server using MlflowClient, keeps its signals).
 */
import { setContextProvider } from '../context.ts';
import './artifact-methods.ts';
import { createNodeContextProvider } from './context-provider.ts';
import { installExitHooks } from './exit-hooks.ts';

export * from '../index.ts';
export type { DownloadOptions, TransferOptions, TransferProgress } from './artifact-files.ts';
export {
  downloadArtifactsWithCurrentClient as downloadArtifacts,
  logArtifactsToActiveRun as logArtifacts,
  logArtifactToActiveRun as logArtifact,
  logDictToActiveRun as logDict,
  logTextToActiveRun as logText,
} from './artifact-methods.ts';
export { createNodeContextProvider, loginName, type NodeContextOptions } from './context-provider.ts';
export { type ExitHookOptions, installExitHooks, uninstallExitHooks } from './exit-hooks.ts';
export { findGitDir, readGitCommit } from './git.ts';

setContextProvider({ ...createNodeContextProvider(), runStarting: () => installExitHooks() });
