// `mlflow-ts models serve` as a child process on a free port, for end-to-end tests of the scoring server.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/mlflow-ts.mjs', import.meta.url));

export interface ModelServer {
  url: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<number | null>;
}

/** Resolves once the server prints "listening on <url>". */
export async function serveModel(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ModelServer> {
  const child = spawn(process.execPath, [BIN, 'models', 'serve', '--port', '0', ...args], {
    env: { ...process.env, MLFLOW_TS_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`models serve did not start:\n${out}`));
    }, 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`models serve exited with ${code}:\n${out}`));
    });
  });
  return {
    url,
    child,
    output: () => out,
    stop: () =>
      new Promise<number | null>((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}

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
