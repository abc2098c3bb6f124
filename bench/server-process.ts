/**
 * The server under test as a real process: `node bin/mlflow-ts.mjs server ...`, exactly what a user runs
 * (bin loads the esbuild bundle in dist/). Startup time is spawn → first 200 from /health; memory is read
 * from /proc/<pid>/status.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/mlflow-ts.mjs', import.meta.url));

export interface ServerOptions {
  /** The CLI entry to run; default bin/mlflow-ts.mjs (the runner passes its frozen copy, see run.ts). */
  bin?: string;
  backendStoreUri: string;
  /** Extra environment (e.g. MLFLOW_TS_SQLITE_SYNCHRONOUS, MLFLOW_TS_LOG_LEVEL). */
  env?: Record<string, string>;
  /** Run the server under `node --cpu-prof`, writing the profile here on exit. */
  cpuProfDir?: string;
  /** Extra node flags for the server process (e.g. `--import bench/sql-trace.mjs`). */
  nodeArgs?: string[];
}

export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  /** Milliseconds from spawn() to the first 200 answer of GET /health. */
  readonly startupMs: number;
  /** Resident set size now (VmRSS), MB. */
  rssMb(): number;
  /** Peak resident set size so far (VmHWM), MB. */
  peakRssMb(): number;
  /** SIGTERM (graceful: lets --cpu-prof write its file), SIGKILL after 20 s. Idempotent. */
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

function procStatusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!m) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(m[1]);
}

/** One GET /health on a fresh connection; resolves true on 200, false on any error. */
function healthOk(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/health', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('error', () => resolve(false));
    req.setTimeout(2000, () => req.destroy());
    req.end();
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});
// Interrupted: exit through process.exit so the 'exit' handlers (servers, PostgreSQL cluster) run.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

export async function startServer(options: ServerOptions): Promise<ServerProcess> {
  const port = await freePort();
  const artifacts = mkdtempSync(join(tmpdir(), 'mlflow-ts-bench-artifacts-'));
  const nodeArgs = [...(options.nodeArgs ?? [])];
  if (options.cpuProfDir) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`);
  const args = [
    ...nodeArgs,
    options.bin ?? BIN,
    'server',
    '--backend-store-uri',
    options.backendStoreUri,
    '--port',
    String(port),
    '--default-artifact-root',
    artifacts,
  ];
  const started = performance.now();
  // stdout (one JSON log line per request at the default level) goes to /dev/null, as cheap as a
  // production log sink gets; stderr is kept for error reports.
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  live.add(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn the server');

  let startupMs = -1;
  while (startupMs < 0) {
    if (child.exitCode !== null) {
      throw new Error(`server exited with code ${child.exitCode} before answering:\n${stderr}`);
    }
    if (await healthOk(port)) startupMs = performance.now() - started;
    else if (performance.now() - started > 30_000) {
      child.kill('SIGKILL');
      throw new Error(`server did not answer /health within 30 s:\n${stderr}`);
    } else await new Promise((r) => setTimeout(r, 5));
  }

  let stopping: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    pid,
    startupMs,
    rssMb: () => procStatusKb(pid, 'VmRSS') / 1024,
    peakRssMb: () => procStatusKb(pid, 'VmHWM') / 1024,
    stop() {
      stopping ??= (async () => {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited(child);
        clearTimeout(timer);
        live.delete(child);
        rmSync(artifacts, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
