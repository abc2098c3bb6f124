// `mlflow-ts models serve` as a child process on a free port, for end-to-end tests of the scoring server.
import { type CliServer, startCliProcess } from './cli-process.ts';

export { BIN } from './cli-process.ts';

export interface ModelServer extends CliServer {
  /** The same process as `process` (the name the scoring tests use). */
  child: CliServer['process'];
}

/** Resolves once the server prints "listening on <url>" (loading models can take a while: 30 s). */
export async function serveModel(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ModelServer> {
  const server = await startCliProcess(['models', 'serve'], args, env, 30_000);
  return { ...server, child: server.process };
}

/** Two iris rows as `dataframe_split`, the body the logreg fixture is scored with. */
export const SPLIT = {
  dataframe_split: {
    columns: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'],
    data: [
      [5.1, 3.5, 1.4, 0.2],
      [6.7, 3.0, 5.2, 2.3],
    ],
  },
};

/** POST a JSON body to /invocations. */
export async function score(
  url: string,
  body: unknown,
): Promise<{ status: number; version: string | null; body: unknown }> {
  const res = await fetch(`${url}/invocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, version: res.headers.get('x-mlflow-model-version'), body: await res.json() };
}
