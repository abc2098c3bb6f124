/**
 * Proxied artifact transfer (issue 3 "Speed"): one large file up and down through a real server process
 * on local disk, with the server's memory watched.
 *
 *   node --import tsx bench/artifacts.ts [--mb 1024]
 *
 * The server runs from the sources (tsx), so the figure never depends on a stale bundle. Prints MB/s each
 * way and the growth of the server's resident memory over its idle baseline (peak VmHWM minus the VmRSS
 * before the transfer). Goals: ≥ 200 MB/s each way, < 50 MB growth.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort } from './server-process.ts';

const MAIN = fileURLToPath(new URL('../packages/cli/src/main.ts', import.meta.url));
const { values } = parseArgs({ options: { mb: { type: 'string', default: '1024' } } });
const SIZE = Number(values.mb) * 1024 * 1024;
const CHUNK = 1024 * 1024;

function kb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0);
}

async function waitHealthy(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not start');
}

/** SIZE bytes from one reused 1 MB buffer: the load generator must not be the bottleneck. */
function source(): Readable {
  const chunk = Buffer.alloc(CHUNK, 0x5a);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= SIZE) return this.push(null);
      const n = Math.min(CHUNK, SIZE - sent);
      sent += n;
      this.push(n === CHUNK ? chunk : chunk.subarray(0, n));
    },
  });
}

function upload(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'PUT', path, headers: { 'content-length': String(SIZE) } },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200 ? resolve(res.statusCode) : reject(new Error(`PUT ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    source().pipe(req);
  });
}

function download(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        bytes += c.length;
      });
      res.on('end', () => resolve(bytes));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

const dir = mkdtempSync(join(tmpdir(), 'mlflow-ts-bench-art-'));
let child: ChildProcess | undefined;
try {
  const port = await freePort();
  child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `const { main } = await import(${JSON.stringify(MAIN)}); await main(process.argv.slice(1));`,
      'server',
      '--backend-store-uri',
      `sqlite:///${join(dir, 'mlflow.db')}`,
      '--artifacts-destination',
      join(dir, 'artifacts'),
      '--port',
      String(port),
    ],
    { env: { ...process.env, MLFLOW_TS_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url);
  const pid = child.pid!;
  // Warm the routes with a small file so one-time allocations are in the baseline.
  await fetch(`${url}/api/2.0/mlflow-artifacts/artifacts/warm.txt`, { method: 'PUT', body: 'x' });
  await fetch(`${url}/api/2.0/mlflow-artifacts/artifacts/warm.txt`).then((r) => r.text());
  const baseline = kb(pid, 'VmRSS');
  const path = '/api/2.0/mlflow-artifacts/artifacts/bench/big.bin';

  let t0 = performance.now();
  await upload(port, path);
  const upSeconds = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const got = await download(port, path);
  const downSeconds = (performance.now() - t0) / 1000;
  if (got !== SIZE) throw new Error(`downloaded ${got} bytes, expected ${SIZE}`);
  const growthMb = (kb(pid, 'VmHWM') - baseline) / 1024;
  const mb = SIZE / 1024 / 1024;
  const line = (label: string, value: string, goal: string, ok: boolean) =>
    console.log(
      `artifacts  ${label.padEnd(22)} ${value.padStart(12)}  goal ${goal.padEnd(10)} ${ok ? 'pass' : 'FAIL'}`,
    );
  line(`upload ${mb} MB`, `${(mb / upSeconds).toFixed(0)} MB/s`, '≥ 200', mb / upSeconds >= 200);
  line(`download ${mb} MB`, `${(mb / downSeconds).toFixed(0)} MB/s`, '≥ 200', mb / downSeconds >= 200);
  line('server RSS growth', `${growthMb.toFixed(1)} MB`, '< 50', growthMb < 50);
} finally {
  child?.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  rmSync(dir, { recursive: true, force: true });
}
