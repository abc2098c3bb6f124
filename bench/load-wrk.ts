/**
 * Load generation with wrk (C, one thread): for workloads that send one fixed request over and over (the
 * latency goals). autocannon parses every response in JavaScript; on this 2-core box that costs the
 * server CPU it needs — ~19 ms of generator CPU per 8.5 MB metric history, 0.9 of a core at 48 req/s — while
 * wrk reads the same bytes for a fraction of that. Same measurement otherwise: warm-up, measured run, p50/p99
 * from wrk's microsecond histogram, CPU split (wrk's own CPU is counted as the generator's).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AutocannonRequest } from 'autocannon';
import { cpuSnapshot, type LoadOptions, type LoadResult, monotonicUs } from './load.ts';

export function wrkAvailable(): boolean {
  return spawnSync('wrk', ['--version'], { encoding: 'utf8' }).error === undefined;
}

/** CPU seconds of this process's waited-for children (wrk runs as one). */
function childrenCpu(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) * 0.01;
}

/** The request as a wrk Lua script; done() prints one JSON line of the summary. */
function script(request: AutocannonRequest): string {
  const headers = Object.entries(request.headers ?? {})
    .map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`)
    .join('\n');
  return `wrk.method = ${JSON.stringify(request.method ?? 'GET')}
wrk.path = ${JSON.stringify(request.path ?? '/')}
${request.body ? `wrk.body = ${JSON.stringify(String(request.body))}` : ''}
${headers}
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK {"requests":%d,"duration_us":%d,"bytes":%d,"status":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"p50":%d,"p99":%d,"mean":%f}\\n',
    summary.requests, summary.duration, summary.bytes, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean))
end
`;
}

interface WrkSummary {
  requests: number;
  duration_us: number;
  status: number;
  connect: number;
  read: number;
  write: number;
  timeout: number;
  p50: number;
  p99: number;
  mean: number;
}

function runWrk(url: string, connections: number, seconds: number, scriptPath: string): Promise<WrkSummary> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'wrk',
      ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '120s', '-s', scriptPath, url],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('WRK '));
      if (code !== 0 || !line) reject(new Error(`wrk exited with ${code}: ${out.slice(-500)}`));
      else resolve(JSON.parse(line.slice(4)) as WrkSummary);
    });
  });
}

export async function runLoadWrk(options: LoadOptions): Promise<LoadResult> {
  const scriptPath = join(tmpdir(), `mlflow-ts-bench-${process.pid}.lua`);
  writeFileSync(scriptPath, script(options.request));
  try {
    let okWarmup = 0;
    if (options.warmup > 0) {
      const warm = await runWrk(options.url, options.connections, options.warmup, scriptPath);
      okWarmup = warm.requests - warm.status;
    }
    const before = cpuSnapshot(options.serverPid);
    const childBefore = childrenCpu();
    const start = monotonicUs();
    const r = await runWrk(options.url, options.connections, options.duration, scriptPath);
    const end = monotonicUs();
    const after = cpuSnapshot(options.serverPid);
    const wall = after.wall - before.wall;
    const server = (after.server - before.server) / wall;
    const generator = (after.self - before.self + childrenCpu() - childBefore) / wall;
    const db = Math.max(0, (after.db - before.db) / wall);
    const others = Math.max(0, (after.box - before.box) / wall - server - db - generator);
    const seconds = r.duration_us / 1e6;
    const ok = r.requests - r.status;
    const failed = r.status + r.connect + r.read + r.write + r.timeout;
    return {
      rps: ok / seconds,
      ok,
      sent: r.requests,
      okWarmup,
      failed,
      firstFailure:
        failed > 0
          ? `wrk: ${r.status} non-2xx, ${r.read + r.write + r.connect} socket errors, ${r.timeout} timeouts`
          : undefined,
      p50: r.p50 / 1000,
      p99: r.p99 / 1000,
      mean: r.mean / 1000,
      seconds,
      cpu: { server, db, generator, others },
      window: [start, end],
    };
  } finally {
    rmSync(scriptPath, { force: true });
  }
}
