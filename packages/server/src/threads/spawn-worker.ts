import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * A server thread from its entry file: `bundled` (dist/*.mjs, shipped next to dist/cli.mjs) when it exists,
 * else the TypeScript `source`, run through tsx registered first (a worker does not reliably inherit the
 * parent's loader hooks on Node 20).
 */
export function spawnWorker(bundled: URL, source: URL, workerData: unknown): Worker {
  if (existsSync(fileURLToPath(bundled))) return new Worker(bundled, { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(source.href)}); });`;
  return new Worker(code, { eval: true, workerData });
}

/**
 * Posts `message` (the thread's cue to close its connection and end) and resolves once the thread has
 * exited. The thread holds the process alive meanwhile, even one that is stopping.
 */
export async function askToExit(worker: Worker, message: unknown): Promise<void> {
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  worker.ref();
  worker.postMessage(message);
  await exited;
}
