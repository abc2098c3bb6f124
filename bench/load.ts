/**
 * Load generation with autocannon: a warm-up run, then the measured run. Latency percentiles come from
 * autocannon's per-response timings (its 'response' event, process.hrtime-based), not from its histogram,
 * which truncates to whole milliseconds — too coarse for a 2 ms goal.
 */
import { readdirSync, readFileSync } from 'node:fs';
import autocannon, { type AutocannonRequest } from 'autocannon';

export interface LoadOptions {
  url: string;
  connections: number;
  /** Measured seconds. */
  duration: number;
  /** Unmeasured seconds before, same load. */
  warmup: number;
  request: AutocannonRequest;
  /** The server's pid, to split the CPU used during the run into server / generator / rest of the box. */
  serverPid: number;
}

export interface LoadResult {
  /** 2xx responses per second of the measured run. */
  rps: number;
  ok: number;
  /** Requests sent in warm-up + measured run (≥ ok: the last ones may be cut off). */
  sent: number;
  okWarmup: number;
  failed: number;
  firstFailure?: string;
  p50: number;
  p99: number;
  mean: number;
  seconds: number;
  /** CPU used during the measured run, in cores: the server process, this process, everything else. */
  cpu: { server: number; db: number; generator: number; others: number };
  /** CLOCK_MONOTONIC µs at the start and end of the measured run (matches --cpu-prof timestamps). */
  window: [number, number];
}

// /proc times are in USER_HZ ticks; 100 on Linux (getconf CLK_TCK).
const TICK_S = 0.01;

function cpuTimes(): { idle: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { idle, total: f.reduce((a, b) => a + b, 0) };
}

/** utime + stime of a process in seconds, and its command name; undefined if it is gone. */
function processCpu(pid: number | string): { comm: string; seconds: number } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the comm field: state is [0], utime [11], stime [12], cutime [13], cstime [14].
  const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
  const own = Number(f[11]) + Number(f[12]);
  // The postmaster is charged its exited children: parallel query workers live only for one query.
  const children = comm === 'postgres' ? Number(f[13]) + Number(f[14]) : 0;
  return { comm, seconds: (own + children) * TICK_S };
}

/** CPU seconds: whole box busy, the server process, PostgreSQL's processes, this process. */
export function cpuSnapshot(pid: number): {
  box: number;
  server: number;
  db: number;
  self: number;
  wall: number;
} {
  const { idle, total } = cpuTimes();
  let db = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const p = processCpu(entry);
    if (p?.comm === 'postgres') db += p.seconds;
  }
  const own = process.cpuUsage();
  return {
    box: (total - idle) * TICK_S,
    server: processCpu(pid)?.seconds ?? 0,
    db,
    self: (own.user + own.system) / 1e6,
    wall: performance.now() / 1000,
  };
}

/** Share of CPU busy over `ms` (nothing of ours runs meanwhile). */
export async function busyShare(ms = 1000): Promise<number> {
  const a = cpuTimes();
  await new Promise((r) => setTimeout(r, ms));
  const b = cpuTimes();
  return b.total === a.total ? 0 : 1 - (b.idle - a.idle) / (b.total - a.total);
}

/** Waits (up to maxWaitS) until the box is quiet — other sessions share it — and returns the last share. */
export async function waitForQuiet(maxWaitS = 90, threshold = 0.15): Promise<number> {
  const until = Date.now() + maxWaitS * 1000;
  let share = await busyShare();
  while (share > threshold && Date.now() < until) share = await busyShare();
  return share;
}

export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  let sent = 0;
  let failed = 0;
  let firstFailure: string | undefined;
  const base = options.request;
  const request: AutocannonRequest = {
    ...base,
    setupRequest: (req, ctx) => {
      sent++;
      return base.setupRequest ? base.setupRequest(req, ctx) : req;
    },
    onResponse: (status, body) => {
      if (status >= 300) {
        failed++;
        firstFailure ??= `${status} ${body.slice(0, 300)}`;
      }
    },
  };
  const common = { url: options.url, connections: options.connections, timeout: 120, requests: [request] };
  let okWarmup = 0;
  if (options.warmup > 0) {
    const warm = await autocannon({ ...common, duration: options.warmup });
    okWarmup = warm['2xx'];
  }
  const latencies: number[] = [];
  const before = cpuSnapshot(options.serverPid);
  const start = monotonicUs();
  const instance = autocannon({ ...common, duration: options.duration });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status < 300) latencies.push(ms);
  });
  const result = await instance;
  const end = monotonicUs();
  const after = cpuSnapshot(options.serverPid);
  const wall = after.wall - before.wall;
  const server = (after.server - before.server) / wall;
  const generator = (after.self - before.self) / wall;
  // PostgreSQL backends that exited during the run are missed (the server's pool keeps them open).
  const db = Math.max(0, (after.db - before.db) / wall);
  const others = Math.max(0, (after.box - before.box) / wall - server - db - generator);
  const sorted = Float64Array.from(latencies).sort();
  return {
    rps: result['2xx'] / result.duration,
    ok: result['2xx'],
    sent,
    okWarmup,
    failed: failed + result.errors + result.timeouts,
    firstFailure,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length),
    seconds: result.duration,
    cpu: { server, db, generator, others },
    window: [start, end],
  };
}

/** Short description of a load result for the detail column. */
export function describe(r: LoadResult): string {
  const parts = [
    `${r.rps.toFixed(0)} req/s`,
    `p50 ${r.p50.toFixed(2)} ms`,
    `p99 ${r.p99.toFixed(2)} ms`,
    `CPU cores: server ${r.cpu.server.toFixed(2)}${r.cpu.db > 0.005 ? `, postgres ${r.cpu.db.toFixed(2)}` : ''}, ` +
      `generator ${r.cpu.generator.toFixed(2)}, others ${r.cpu.others.toFixed(2)}`,
  ];
  if (r.failed > 0) parts.push(`FAILED ${r.failed}: ${r.firstFailure ?? 'socket errors'}`);
  return parts.join(', ');
}
