// Starts the real `mlflow-ts` CLI as a child process on a free port, for end-to-end tests: the tracking
// server (`server`) or the scoring server (`models serve`). Both print "listening on <url>" when ready.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/mlflow-ts.mjs', import.meta.url));

export interface CliServer {
  url: string;
  process: ChildProcess;
  output(): string;
  stop(): Promise<number | null>;
}

/** Runs `mlflow-ts <command...> --port 0 <args...>` and resolves once it announces its URL. */
export async function startCliProcess(
  command: string[],
  args: string[],
  env: NodeJS.ProcessEnv = {},
  startTimeoutMs = 20_000,
): Promise<CliServer> {
  const name = `mlflow-ts ${command.join(' ')}`;
  const child = spawn(process.execPath, [BIN, ...command, '--port', '0', ...args], {
    env: { ...process.env, MLFLOW_TS_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start:\n${out}`));
    }, startTimeoutMs);
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
      reject(new Error(`${name} exited with ${code}:\n${out}`));
    });
  });
  return {
    url,
    process: child,
    output: () => out,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}

export function startCliServer(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliServer> {
  return startCliProcess(['server'], args, env);
}
