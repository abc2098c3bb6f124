/**
 * `models serve`: one scoring server per process (node:cluster for --workers N, sharing the port),
 * each with its inference threads. Prints "listening on <url>" once, like `server`.
 */
import cluster from 'node:cluster';
import { buildScoringApp, DriftHub, ScoringMetrics } from '@mlflow-ts/models';
import { liveWorkers } from './live-workers.ts';
import type { ModelsServeConfig } from './models-config.ts';
import { resolveModel } from './models-resolve.ts';
import { openServedModels, rolloutPlan } from './models-rollout.ts';

async function startOne(config: ModelsServeConfig, log: (line: string) => void) {
  const metrics = new ScoringMetrics();
  let singleVersion = 'default'; // a single model's label (its uuid) is known once it is loaded
  const models = await openServedModels(
    config,
    (version) => ({
      threads: config.threads,
      maxBatchRows: config.maxBatchRows,
      maxWaitMs: config.maxWaitMs,
      ...(version ? { version } : {}),
      // The batch histogram is labelled like the requests: by the version that ran the batch.
      onBatch: (rows: number) => metrics.batch(version ?? singleVersion, rows),
    }),
    log,
  );
  if (models.routes) metrics.routes = models.routes;
  else singleVersion = models.selector.pick().version;
  const d = config.drift;
  const drift = new DriftHub({
    window: d.window,
    minRows: d.minRows,
    thresholds: { pValue: d.pValue, psi: d.psi },
    intervalMs: d.intervalSeconds * 1000,
    webhook: d.webhookUrl
      ? { url: d.webhookUrl, secret: d.webhookSecret, log: (message) => app.log.warn(message) }
      : null,
    onCrossing: (event) => app.log.warn({ drift: event }, 'drift detected'),
  });
  const app = buildScoringApp(models.selector, {
    logger: { level: config.logLevel },
    metrics,
    drift,
    requestLog: { all: config.requestLog, payloadRate: config.logPayloads },
    onShadow: (event) => app.log.info({ shadow: event }, 'shadow scored'),
  });
  drift.start();
  app.server.requestTimeout = config.timeoutSeconds * 1000;
  app.addHook('onClose', async () => {
    await drift.stop();
    await models.close();
  });
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    // Closing runs onClose, which ends the inference threads; left running they keep the process alive.
    await app.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return { app, describe: models.describe, url: `http://${config.host}:${port}` };
}

/** How long a stopping process may take to finish in-flight work before it exits regardless. */
const STOP_GRACE_MS = 10_000;
export async function runModelsServe(config: ModelsServeConfig, log: (line: string) => void): Promise<void> {
  // Resolve (and download) once before forking, so workers find the model in the cache; a rollout's
  // workers resolve their aliases themselves (each refreshes on its own timer and on SIGHUP).
  const plan = rolloutPlan(config);
  const dir = plan ? `models:/${plan.modelName}` : (await resolveModel(config.modelUri, config)).dir;
  if (config.workers > 1 && cluster.isPrimary) {
    let announced = false;
    let stopping = false;
    /** Workers that are serving (replacements included); the others are still loading their model. */
    const serving = new Set<number>();
    cluster.on('message', (worker, msg: { listening?: string } | undefined) => {
      if (msg?.listening) serving.add(worker.id);
    });
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
      cluster.on('exit', () => {
        if (liveWorkers() === 0) process.exit(0);
      });
      // Signal the processes directly: worker.kill() first waits for a disconnect that a worker still
      // loading its model may not answer. A worker still loading has nothing in flight and is killed: one
      // that exits while onnxruntime creates its session can hang in native teardown (seen under load,
      // the stop then took the whole grace period).
      for (const worker of Object.values(cluster.workers ?? {})) {
        worker?.process.kill(serving.has(worker.id) ? 'SIGTERM' : 'SIGKILL');
      }
      if (liveWorkers() === 0) process.exit(0);
      // A worker that cannot finish closing within the grace period is killed: stopping must end.
      setTimeout(() => {
        for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
        process.exit(1);
      }, STOP_GRACE_MS + 5000).unref();
    };
    process.on('SIGINT', stopAll);
    process.on('SIGTERM', stopAll);
    // Promotion without restart: each worker re-resolves its aliases.
    process.on('SIGHUP', () => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGHUP');
    });
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
    server = await startOne(config, log);
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
    // In-flight requests get the grace period; then the process goes anyway.
    setTimeout(() => process.exit(1), STOP_GRACE_MS).unref();
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
  else log(`mlflow-ts models serve listening on ${server.url} (${server.describe})`);
}
