/**
 * `models serve`: one scoring server per process (node:cluster for --workers N, sharing the port),
 * each with its inference threads. Prints "listening on <url>" once, like `server`.
 */
import cluster from 'node:cluster';
import { buildScoringApp, createScorer, ScoringMetrics } from '@mlflow-ts/models';
import type { ModelsServeConfig } from './models-config.ts';
import { resolveModelDir } from './models-resolve.ts';

async function startOne(config: ModelsServeConfig, dir: string) {
  const metrics = new ScoringMetrics();
  const scorer = await createScorer(dir, {
    threads: config.threads,
    maxBatchRows: config.maxBatchRows,
    maxWaitMs: config.maxWaitMs,
    onBatch: (rows) => metrics.batch(scorer.version, rows),
  });
  const app = buildScoringApp(scorer, { logger: { level: config.logLevel }, metrics });
  app.server.requestTimeout = config.timeoutSeconds * 1000;
  app.addHook('onClose', async () => scorer.close());
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return { app, scorer, url: `http://${config.host}:${port}` };
}

export async function runModelsServe(config: ModelsServeConfig, log: (line: string) => void): Promise<void> {
  const dir = await resolveModelDir(config.modelUri, config);
  if (config.workers > 1 && cluster.isPrimary) {
    let announced = false;
    let stopping = false;
    for (let i = 0; i < config.workers; i++) {
      cluster.fork().on('message', (msg: { listening?: string; failed?: string }) => {
        if (msg.failed) {
          log(`mlflow-ts: ${msg.failed}`);
          stopping = true;
          process.exit(1);
        }
        if (msg.listening && !announced) {
          announced = true;
          log(
            `mlflow-ts models serve listening on ${msg.listening} with ${config.workers} workers (model ${dir})`,
          );
        }
      });
    }
    const stopAll = () => {
      stopping = true;
      const alive = () => Object.keys(cluster.workers ?? {}).length;
      cluster.on('exit', () => {
        if (alive() === 0) process.exit(0);
      });
      // Signal the processes directly: worker.kill() first waits for a disconnect that a worker still
      // loading its model may not answer.
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
      if (alive() === 0) process.exit(0);
    };
    process.on('SIGINT', stopAll);
    process.on('SIGTERM', stopAll);
    cluster.on('exit', (worker, code, signal) => {
      if (!stopping && code !== 0 && signal !== 'SIGTERM' && signal !== 'SIGINT') {
        log(`worker ${worker.process.pid} exited (${signal ?? code}); starting a new one`);
        cluster.fork();
      }
    });
    return;
  }
  // Until the server is up, a stop signal just ends the process (the model may take a while to load).
  const early = () => process.exit(0);
  // `on`, not `once`: the SDK's exit hooks (loaded with the registry client) re-raise a signal that no
  // other listener is left to handle, which would end the process before the server has closed.
  process.on('SIGINT', early);
  process.on('SIGTERM', early);
  let server: Awaited<ReturnType<typeof startOne>>;
  try {
    server = await startOne(config, dir);
  } catch (err) {
    if (cluster.isWorker) {
      process.send?.({ failed: (err as Error).message });
      return;
    }
    throw err;
  }
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.off('SIGINT', early);
  process.off('SIGTERM', early);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (cluster.isWorker) process.send?.({ listening: server.url });
  else
    log(`mlflow-ts models serve listening on ${server.url} (model ${dir}, flavor ${server.scorer.flavor})`);
}
