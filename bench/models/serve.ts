/**
 * Scoring server speed (issue 4 goals): `models serve` with the ONNX logreg fixture (4-column signature),
 * `dataframe_split` of 1 row and of 1000 rows, 8 connections by default. Prints start-to-first-answer,
 * req/s, p50/p99 latency and the server's RSS. Not a test; results go to bench/RESULTS.md by hand.
 *
 *   node --import tsx bench/models/serve.ts [--duration 10] [--connections 8] [--workers 1] [--threads 1]
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const { values: opt } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '8' },
    workers: { type: 'string', default: '1' },
    threads: { type: 'string', default: '1' },
    model: { type: 'string', default: 'test/fixtures/models/onnx/logreg' },
  },
});

const BIN = new URL('../../bin/mlflow-ts.mjs', import.meta.url).pathname;
const COLUMNS = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];

function body(rows: number): string {
  const data = Array.from({ length: rows }, (_, i) => [
    5.1 + (i % 10) / 10,
    3.5,
    1.4 + (i % 7) / 2,
    0.2 + (i % 5) / 2,
  ]);
  return JSON.stringify({ dataframe_split: { columns: COLUMNS, data } });
}

/** User + system CPU time of a process in ms (/proc/<pid>/stat, clock ticks of 10 ms). Less disturbed
 * by a busy neighbour than req/s: it counts the server's work, not how much of the box it got. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : Number.NaN;
}

const started = performance.now();
const child = spawn(
  process.execPath,
  [
    BIN,
    'models',
    'serve',
    '-m',
    opt.model!,
    '--port',
    '0',
    '--workers',
    opt.workers!,
    '--threads',
    opt.threads!,
  ],
  { env: { ...process.env, MLFLOW_TS_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] },
);
const url = await new Promise<string>((resolve, reject) => {
  let out = '';
  child.stdout!.on('data', (c: Buffer) => {
    out += c;
    const m = /listening on (http:\/\/\S+)/.exec(out);
    if (m) resolve(m[1]!);
  });
  child.once('exit', (code) => reject(new Error(`models serve exited with ${code}`)));
});
const first = await fetch(`${url}/invocations`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: body(1),
});
if (first.status !== 200) throw new Error(`first answer ${first.status}: ${await first.text()}`);
console.log(
  `start to first answer: ${Math.round(performance.now() - started)} ms; RSS ${rssMb(child.pid!)} MB`,
);

for (const rows of [1, 1000]) {
  const cpuBefore = cpuMs(child.pid!);
  const result = await autocannon({
    url: `${url}/invocations`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body(rows),
    connections: Number(opt.connections),
    duration: Number(opt.duration),
  });
  const bad = result.non2xx + result.errors;
  const cpuPerRequest = ((cpuMs(child.pid!) - cpuBefore) * 1000) / Math.max(1, result.requests.total);
  console.log(
    `serve ${rows} row(s): ${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms, ` +
      `p99 ${result.latency.p99} ms, ${bad} failed, RSS ${rssMb(child.pid!)} MB, ` +
      `server CPU ${Math.round(cpuPerRequest)} µs/request`,
  );
}
child.kill('SIGTERM');
