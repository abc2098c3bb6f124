/** `mlflow-ts models serve | predict` (spec §8): flags parsed here, the work done by @mlflow-ts/models. */
import type { Command } from 'commander';
import { modelsDockerfileConfig, modelsPredictConfig, modelsServeConfig } from './models-config.ts';
import { runGenerateDockerfile } from './models-dockerfile.ts';
import { runModelsPredict } from './models-predict.ts';
import { runModelsServe } from './models-serve.ts';

export function registerModelsCommand(program: Command): void {
  const models = program.command('models').description('Serve MLflow models and score files with them');

  models
    .command('serve')
    .description(
      "Serve a model over HTTP with MLflow's scoring protocol (/invocations, /ping, /health, /version, /metrics)",
    )
    .requiredOption(
      '-m, --model-uri <uri>',
      'model directory, file://, runs:/<run>/<path>, models:/<name>/<version|stage>, models:/<name>@<alias>',
    )
    .option('--tracking-uri <uri>', 'tracking server for runs:/ and models:/ URIs (MLFLOW_TRACKING_URI)')
    .option('-h, --host <host>', 'address to listen on (default 127.0.0.1)')
    .option('-p, --port <port>', 'port to listen on (default 5000)')
    .option('-w, --workers <n>', 'server processes sharing the port (default 1)')
    .option('--threads <n>', 'inference threads per process (default 1)')
    .option('--max-batch-rows <n>', 'largest merged batch of concurrent requests (default 8192)')
    .option('--max-wait-ms <ms>', 'how long an idle server waits to merge requests (default 0)')
    .option('-t, --timeout <seconds>', 'request timeout (MLFLOW_SCORING_SERVER_REQUEST_TIMEOUT, default 60)')
    .option(
      '--route <alias=weight>',
      'with -m models:/<name>: send this share of traffic to the version an alias names (repeat)',
      (value: string, prev: string[] = []) => [...prev, value],
    )
    .option(
      '--shadow <alias>',
      'also score every request with this alias; logged and counted, never returned',
    )
    .option(
      '--refresh-interval <seconds>',
      're-resolve aliases this often; also on SIGHUP (default 60, 0: SIGHUP only)',
    )
    .option('--request-log', 'log one structured line per /invocations request (MLFLOW_TS_ACCESS_LOG=true)')
    .option(
      '--log-payloads <fraction>',
      'also log the request and response bodies of this fraction of requests',
    )
    .option(
      '--drift-threshold <p=X|psi=Y>',
      'a feature drifts when its KS p-value is below X or its PSI above Y (repeat for both; default p=0.01)',
      (value: string, prev: string[] = []) => [...prev, value],
    )
    .option(
      '--drift-window <n>',
      'recent values per feature compared with the training profile (default 5000)',
    )
    .option('--drift-min-rows <n>', 'values needed before drift is computed (default 500)')
    .option('--drift-interval <seconds>', 'how often crossings are checked in the background (default 10)')
    .option(
      '--drift-webhook <url>',
      'POST a signed event when a feature starts drifting (secret: MLFLOW_TS_DRIFT_WEBHOOK_SECRET)',
    )
    .option('--env-manager <name>', 'accepted for compatibility; models run on Node, no environment is built')
    .helpOption('--help', 'display help for command')
    .action(async (flags) => {
      await runModelsServe(modelsServeConfig(flags, process.env), (line) => console.log(line));
    });

  models
    .command('predict')
    .description('Score a CSV, JSON-lines or parquet file, streaming (memory stays flat), on several threads')
    .requiredOption('-m, --model-uri <uri>', 'model directory, file://, runs:/ or models:/ URI')
    .option('--tracking-uri <uri>', 'tracking server for runs:/ and models:/ URIs (MLFLOW_TRACKING_URI)')
    .option(
      '-i, --input-path <path>',
      'input file: .csv, .parquet, or .jsonl / .ndjson (one record per line); stdin if absent',
    )
    .option(
      '-o, --output-path <path>',
      'output file: .csv, .parquet (row groups of 65536 rows), else JSON lines; stdout (JSON lines) if absent',
    )
    .option('-t, --content-type <type>', 'input format when the extension does not say: csv, json or parquet')
    .option('--threads <n>', 'inference threads (default: all cores)')
    .option('--chunk-bytes <n>', 'input bytes (whole rows) per inference call (default 65536)')
    .option(
      '--chunk-rows <n>',
      'rows per inference call for parquet input (default 4096); for text, about n × 16 bytes',
    )
    .option('--no-progress', 'do not draw a progress bar')
    .option('--env-manager <name>', 'accepted for compatibility; models run on Node')
    .helpOption('--help', 'display help for command')
    .action(async (flags) => {
      await runModelsPredict(modelsPredictConfig(flags, process.env));
    });

  models
    .command('generate-dockerfile')
    .description(
      'Write a Dockerfile and build context (model included) for a Node image that serves the model',
    )
    .requiredOption('-m, --model-uri <uri>', 'model directory, file://, runs:/ or models:/ URI')
    .option('--tracking-uri <uri>', 'tracking server for runs:/ and models:/ URIs (MLFLOW_TRACKING_URI)')
    .option('-d, --output-directory <dir>', 'where to write the build context (default mlflow-dockerfile)')
    .option('--env-manager <name>', 'accepted for compatibility; models run on Node')
    .helpOption('--help', 'display help for command')
    .action(async (flags) => {
      await runGenerateDockerfile(modelsDockerfileConfig(flags, process.env), (line) => console.log(line));
    });
}
