import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildApp,
  openSqlTrackingStore,
  ReadPool,
  RegistryService,
  RunKeysService,
  sqlitePathFromUri,
  TrackingService,
  WebhookDispatcher,
  WebhookService,
} from '@mlflow-ts/server';
import type { FastifyInstance } from 'fastify';
import { openArtifactDeps } from './artifact-store.ts';
import type { ServerConfig } from './config.ts';
import { liveWorkers } from './live-workers.ts';

/** How long a stopping server may take to finish in-flight work before it exits regardless. */
const STOP_GRACE_MS = 10_000;
export interface RunningServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/**
 * The web UI built by scripts/build.mjs into dist/ui: next to dist/cli.mjs when running the bundle, three
 * levels up from this file when running the sources through tsx. Undefined when not built yet.
 */
function builtUiDir(): string | undefined {
  for (const rel of ['./ui/', '../../../dist/ui/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(`${dir}index.html`)) return dir;
  }
  return undefined;
}

/**
 * Read threads for a SQLite file (not an in-memory database, which other connections cannot see), with
 * the history cache budget shared between them and the main thread.
 */
function readPoolFor(config: ServerConfig): { pool?: ReadPool; historyCacheBytes: number } {
  const budget = config.historyCacheMb * 1024 * 1024;
  const path = /^sqlite:/i.test(config.backendStoreUri)
    ? sqlitePathFromUri(config.backendStoreUri)
    : undefined;
  if (!path || path === ':memory:' || config.readThreads === 0) return { historyCacheBytes: budget };
  const share = Math.floor(budget / (config.readThreads + 1));
  const pool = new ReadPool({
    path: resolve(path),
    defaultArtifactRoot: config.defaultArtifactRoot,
    threads: config.readThreads,
    historyCacheBytes: share,
    mmapBytes: config.sqliteMmapMb * 1024 * 1024,
  });
  return { pool, historyCacheBytes: share };
}

/** Composes store → service → HTTP app for one process and starts listening. */
export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const reads = readPoolFor(config);
  const store = await openSqlTrackingStore(config.backendStoreUri, {
    defaultArtifactRoot: config.defaultArtifactRoot,
    poolSize: config.poolSize,
    sqliteSynchronous: config.sqliteSynchronous,
    historyCacheBytes: reads.historyCacheBytes,
    sqliteMmapBytes: config.sqliteMmapMb * 1024 * 1024,
    sqliteCheckpointThread: config.sqliteCheckpointThread,
    sqliteWriteThread: config.sqliteWriteThread,
  });
  const artifacts = openArtifactDeps(config, store);
  // Every process sends webhook deliveries; a delivery is claimed before it is sent, so workers share them.
  let app: FastifyInstance | undefined;
  const dispatcher = new WebhookDispatcher(store.webhooks, {
    allowPrivateTargets: config.webhookAllowPrivateTargets,
    log: (message, err) => app?.log.warn({ err }, message),
  });
  app = buildApp(
    {
      tracking: new TrackingService(store, Date.now, dispatcher),
      registry: new RegistryService(store.registry, store, dispatcher),
      webhooks: new WebhookService(store.webhooks, {
        allowPrivateTargets: config.webhookAllowPrivateTargets,
      }),
      artifacts,
      runKeys: new RunKeysService(store.runKeys),
      readPool: reads.pool,
    },
    { logger: { level: config.logLevel }, accessLog: config.accessLog, uiDir: builtUiDir() },
  );
  dispatcher.start();
  app.addHook('onClose', async () => {
    await dispatcher.stop();
    await reads.pool?.close();
    await artifacts.close();
    await store.close();
  });
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
        if (liveWorkers() === 0) process.exit(0);
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
    // In-flight requests get the grace period; then the process goes anyway, so stopping always ends.
    setTimeout(() => process.exit(1), STOP_GRACE_MS).unref();
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
