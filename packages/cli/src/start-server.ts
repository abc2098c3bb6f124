import cluster from 'node:cluster';
import { buildApp, openSqlTrackingStore, TrackingService } from '@mlflow-ts/server';
import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from './config.ts';

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** Composes store → service → HTTP app for one process and starts listening. */
export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const store = await openSqlTrackingStore(config.backendStoreUri, {
    defaultArtifactRoot: config.defaultArtifactRoot,
    poolSize: config.poolSize,
    sqliteSynchronous: config.sqliteSynchronous,
  });
  const app = buildApp(
    { tracking: new TrackingService(store) },
    { logger: { level: config.logLevel }, accessLog: config.accessLog },
  );
  app.addHook('onClose', async () => store.close());
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return { app, url: `http://${config.host}:${port}`, close: () => app.close() };
}

/**
 * `--workers N` forks N processes sharing the port (node:cluster). The primary prepares the database
 * once, so workers do not race to create the schema.
 */
export async function runServer(config: ServerConfig, log: (line: string) => void): Promise<void> {
  if (config.workers > 1 && cluster.isPrimary) {
    const store = await openSqlTrackingStore(config.backendStoreUri, {
      defaultArtifactRoot: config.defaultArtifactRoot,
      poolSize: 1,
    });
    await store.close();
    let announced = false;
    for (let i = 0; i < config.workers; i++) {
      cluster.fork().on('message', (msg: { listening?: string }) => {
        // Workers share one port (with --port 0, one the primary picked): announce it once.
        if (msg.listening && !announced) {
          announced = true;
          log(
            `mlflow-ts server listening on ${msg.listening} with ${config.workers} workers (backend ${config.backendStoreUri})`,
          );
        }
      });
    }
    let stopping = false;
    const stopAll = () => {
      stopping = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
      cluster.on('exit', () => {
        if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      });
    };
    process.once('SIGINT', stopAll);
    process.once('SIGTERM', stopAll);
    cluster.on('exit', (worker, code, signal) => {
      if (!stopping && code !== 0 && signal !== 'SIGTERM' && signal !== 'SIGINT') {
        log(`worker ${worker.process.pid} exited (${signal ?? code}); starting a new one`);
        cluster.fork();
      }
    });
    return;
  }
  const server = await startServer(config);
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (cluster.isWorker) process.send?.({ listening: server.url });
  else {
    log(
      `mlflow-ts server listening on ${server.url} (backend ${config.backendStoreUri}, artifacts ${config.defaultArtifactRoot})`,
    );
  }
}
