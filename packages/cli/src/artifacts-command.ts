/**
 * `mlflow-ts artifacts log-artifact|log-artifacts|list|download`, with MLflow's flags (spec §8). They
 * talk to the tracking server named by MLFLOW_TRACKING_URI (default http://127.0.0.1:5000) through the SDK.
 */
import { MlflowClient } from '@mlflow-ts/client/node';
import type { Command } from 'commander';
import { TransferBar } from './transfer-progress.ts';

async function withBar<T>(label: string, work: (bar: TransferBar) => Promise<T>): Promise<T> {
  const bar = new TransferBar(label);
  try {
    return await work(bar);
  } finally {
    bar.stop();
  }
}

export function registerArtifactsCommand(program: Command): void {
  const artifacts = program
    .command('artifacts')
    .description('Upload, list and download run artifacts (MLFLOW_TRACKING_URI names the server)');

  artifacts
    .command('log-artifact')
    .description('Log a local file as an artifact of a run')
    .requiredOption('-l, --local-file <path>', 'local file to upload')
    .requiredOption('-r, --run-id <id>', 'run to log to')
    .option('-a, --artifact-path <path>', "directory within the run's artifacts")
    .action(async (o: { localFile: string; runId: string; artifactPath?: string }) => {
      const client = new MlflowClient();
      await withBar('upload', (bar) =>
        client.logArtifact(o.runId, o.localFile, o.artifactPath, { onProgress: bar.onProgress }),
      );
      console.log(
        `Logged artifact from local file ${o.localFile} to artifact_path=${o.artifactPath ?? 'None'}`,
      );
    });

  artifacts
    .command('log-artifacts')
    .description('Log the files of a local folder (recursively) as artifacts of a run')
    .requiredOption('-l, --local-dir <path>', 'local folder to upload')
    .requiredOption('-r, --run-id <id>', 'run to log to')
    .option('-a, --artifact-path <path>', "directory within the run's artifacts")
    .action(async (o: { localDir: string; runId: string; artifactPath?: string }) => {
      const client = new MlflowClient();
      await withBar('upload', (bar) =>
        client.logArtifacts(o.runId, o.localDir, o.artifactPath, { onProgress: bar.onProgress }),
      );
      console.log(
        `Logged artifacts from local dir ${o.localDir} to artifact_path=${o.artifactPath ?? 'None'}`,
      );
    });

  artifacts
    .command('list')
    .description("List the direct children of a directory of a run's artifacts, as JSON")
    .requiredOption('-r, --run-id <id>', 'run whose artifacts to list')
    .option('-a, --artifact-path <path>', 'directory to list (default: the root)')
    .action(async (o: { runId: string; artifactPath?: string }) => {
      const files = await new MlflowClient().listArtifacts(o.runId, o.artifactPath);
      console.log(JSON.stringify(files, null, 2));
    });

  artifacts
    .command('download')
    .description('Download an artifact file or folder; prints the local path')
    .option('-r, --run-id <id>', 'run whose artifacts to download')
    .option('-a, --artifact-path <path>', 'file or folder within the run (with --run-id)')
    .option('-u, --artifact-uri <uri>', 'runs:/…, mlflow-artifacts:/… or a proxy URL (instead of --run-id)')
    .option('-d, --dst-path <path>', 'local folder to download into (default: a new temporary folder)')
    .action(async (o: { runId?: string; artifactPath?: string; artifactUri?: string; dstPath?: string }) => {
      if (Boolean(o.runId) === Boolean(o.artifactUri)) {
        throw new Error('give exactly one of --run-id and --artifact-uri');
      }
      if (o.artifactUri && o.artifactPath) throw new Error('--artifact-path goes with --run-id only');
      const client = new MlflowClient();
      const local = await withBar('download', (bar) =>
        client.downloadArtifacts({
          ...(o.runId ? { runId: o.runId } : {}),
          ...(o.artifactPath ? { artifactPath: o.artifactPath } : {}),
          ...(o.artifactUri ? { artifactUri: o.artifactUri } : {}),
          ...(o.dstPath ? { dstPath: o.dstPath } : {}),
          onProgress: bar.onProgress,
        }),
      );
      console.log(local);
    });
}
