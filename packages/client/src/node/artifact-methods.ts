/**
 * The file-based artifact calls on MlflowClient and ActiveRun, and their fluent forms. They need the file
 * system, so they are added here, by the Node entry point (`@mlflow-ts/client/node`), rather than in the
 * browser-safe classes.
 */
import { activeRun, getClient } from '../fluent.ts';
import { MlflowClient } from '../mlflow-client.ts';
import { ActiveRun } from '../run-handle.ts';
import {
  type DownloadOptions,
  downloadArtifacts,
  logArtifact,
  logArtifacts,
  type TransferOptions,
} from './artifact-files.ts';

declare module '../mlflow-client.ts' {
  interface MlflowClient {
    /** Python's `log_artifact`: one local file into `artifactPath` of the run's artifacts. */
    logArtifact(
      runId: string,
      localPath: string,
      artifactPath?: string,
      options?: TransferOptions,
    ): Promise<void>;
    /** Python's `log_artifacts`: a local folder, recursively, into `artifactPath`. */
    logArtifacts(
      runId: string,
      localDir: string,
      artifactPath?: string,
      options?: TransferOptions,
    ): Promise<void>;
    /** Python's `download_artifacts`: returns the local path of the downloaded file or folder. */
    downloadArtifacts(options: DownloadOptions): Promise<string>;
  }
}

declare module '../run-handle.ts' {
  interface ActiveRun {
    logArtifact(localPath: string, artifactPath?: string, options?: TransferOptions): Promise<void>;
    logArtifacts(localDir: string, artifactPath?: string, options?: TransferOptions): Promise<void>;
    /** This run's artifacts (all, or `artifactPath` below its root). */
    downloadArtifacts(options?: Omit<DownloadOptions, 'runId' | 'artifactUri'>): Promise<string>;
  }
}

MlflowClient.prototype.logArtifact = function (this: MlflowClient, runId, localPath, artifactPath, options) {
  return logArtifact(this, runId, localPath, artifactPath, options);
};
MlflowClient.prototype.logArtifacts = function (this: MlflowClient, runId, localDir, artifactPath, options) {
  return logArtifacts(this, runId, localDir, artifactPath, options);
};
MlflowClient.prototype.downloadArtifacts = function (this: MlflowClient, options) {
  return downloadArtifacts(this, options);
};

ActiveRun.prototype.logArtifact = function (this: ActiveRun, localPath, artifactPath, options) {
  return logArtifact(this.client, this.runId, localPath, artifactPath, options);
};
ActiveRun.prototype.logArtifacts = function (this: ActiveRun, localDir, artifactPath, options) {
  return logArtifacts(this.client, this.runId, localDir, artifactPath, options);
};
ActiveRun.prototype.downloadArtifacts = function (this: ActiveRun, options = {}) {
  return downloadArtifacts(this.client, { ...options, runId: this.runId });
};

function currentRun(): ActiveRun {
  const run = activeRun();
  if (!run) throw new Error('no active run: call startRun() first');
  return run;
}

/** Fluent `mlflow.log_artifact`: into the active run. */
export function logArtifactToActiveRun(localPath: string, artifactPath?: string): Promise<void> {
  return currentRun().logArtifact(localPath, artifactPath);
}

/** Fluent `mlflow.log_artifacts`: a folder into the active run. */
export function logArtifactsToActiveRun(localDir: string, artifactPath?: string): Promise<void> {
  return currentRun().logArtifacts(localDir, artifactPath);
}

/** Fluent `mlflow.log_text`. */
export function logTextToActiveRun(text: string, artifactFile: string): Promise<void> {
  return currentRun().logText(text, artifactFile);
}

/** Fluent `mlflow.log_dict`. */
export function logDictToActiveRun(dict: unknown, artifactFile: string): Promise<void> {
  return currentRun().logDict(dict, artifactFile);
}

/** Fluent `mlflow.artifacts.download_artifacts`, through the current tracking URI's client. */
export function downloadArtifactsWithCurrentClient(options: DownloadOptions): Promise<string> {
  return downloadArtifacts(getClient(), options);
}
