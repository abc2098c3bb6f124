/**
 * Benchmark entry (architecture §6, issue 2 "Speed"):
 *
 *   node --import tsx bench/run.ts [workload...] [--pg | --pg-only] [--duration 10] [--warmup 3]
 *       [--repeat 3] [--connections 8] [--profile] [--sql-trace] [--sqlite-synchronous NORMAL|FULL]
 *       [--log-level L] [--env NAME=VALUE]... [--pg-explain MS] [--json FILE] [--no-build] [--keep]
 *
 * --profile runs the server under `node --cpu-prof` and --sql-trace preloads bench/sql-trace.mjs into it;
 * both print a summary of the measured window. --pg-explain MS logs PostgreSQL plans of statements slower
 * than MS ms (auto_explain) to bench/results/postgresql-explain.log. Diagnosis only: all three slow things.
 *
 * Each workload gets a fresh database and its own server process per repetition; the median of the
 * repetitions is reported, one line per figure: name, dialect, figure, goal, pass/fail.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { waitForQuiet } from './load.ts';
import { wrkAvailable } from './load-wrk.ts';
import { type PgCluster, startPgCluster } from './postgres.ts';
import { summarizeProfile, summarizeSqlTrace } from './profile.ts';
import { startServer } from './server-process.ts';
import { type Dialect, type Figure, meets, type Workload, type WorkloadContext } from './workload.ts';
import { logBatch } from './workloads/log-batch.ts';
import { metricHistory } from './workloads/metric-history.ts';
import { registry } from './workloads/registry.ts';
import { runsCreate } from './workloads/runs-create.ts';
import { searchExperiments } from './workloads/search-experiments.ts';
import { searchRuns } from './workloads/search-runs.ts';
import { startupMemory } from './workloads/startup-memory.ts';

const MAX_OTHERS = 0.25;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WORKLOADS: Workload[] = [
  startupMemory,
  runsCreate,
  logBatch,
  searchRuns,
  metricHistory,
  searchExperiments,
  registry,
];

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    pg: { type: 'boolean', default: false },
    'pg-only': { type: 'boolean', default: false },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    repeat: { type: 'string', default: '3' },
    connections: { type: 'string', default: '8' },
    generator: { type: 'string' },
    profile: { type: 'boolean', default: false },
    'sql-trace': { type: 'boolean', default: false },
    'pg-explain': { type: 'string' },
    'sqlite-synchronous': { type: 'string' },
    'log-level': { type: 'string' },
    env: { type: 'string', multiple: true, default: [] },
    json: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});

const selected = positionals.length ? positionals : WORKLOADS.map((w) => w.name);
const workloads = selected.map((name) => {
  const w = WORKLOADS.find((x) => x.name === name);
  if (!w) throw new Error(`unknown workload ${name}; known: ${WORKLOADS.map((x) => x.name).join(', ')}`);
  return w;
});
const dialects: Dialect[] = opts['pg-only']
  ? ['postgresql']
  : opts.pg
    ? ['sqlite', 'postgresql']
    : ['sqlite'];
const repeat = Number(opts.repeat);
// wrk (C) when installed: autocannon's JavaScript response parsing takes CPU the server needs (load-wrk.ts).
const generator = (opts.generator ?? (wrkAvailable() ? 'wrk' : 'autocannon')) as 'wrk' | 'autocannon';
if (generator !== 'wrk' && generator !== 'autocannon') throw new Error('--generator is wrk or autocannon');
const serverEnv: Record<string, string> = {};
if (opts['sqlite-synchronous']) serverEnv.MLFLOW_TS_SQLITE_SYNCHRONOUS = opts['sqlite-synchronous'];
if (opts['log-level']) serverEnv.MLFLOW_TS_LOG_LEVEL = opts['log-level'];
for (const pair of opts.env ?? []) {
  const eq = pair.indexOf('=');
  if (eq <= 0) throw new Error(`--env takes NAME=VALUE, got ${pair}`);
  serverEnv[pair.slice(0, eq)] = pair.slice(eq + 1);
}

function fmt(value: number, unit: string): string {
  const digits = unit === 'ms' && value < 100 ? 2 : unit === 'MB' ? 1 : 0;
  return `${value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })} ${unit}`;
}

function line(f: Figure, dialect: Dialect, note = ''): string {
  const pass = meets(f);
  const goal = f.goal ? `goal ${f.goal.op === '>=' ? '≥' : '≤'} ${fmt(f.goal.value, f.unit)}` : '';
  const verdict = !f.valid ? 'INVALID' : pass === undefined ? '' : pass ? 'PASS' : 'FAIL';
  return [f.label.padEnd(28), dialect.padEnd(10), fmt(f.value, f.unit).padStart(16), goal.padEnd(22)]
    .concat(verdict.padEnd(7), note + f.detail)
    .join('  ');
}

/**
 * Other sessions rebuild dist/ while they work: freeze this run's bundle so every repetition measures the
 * same code. The frozen entry is bin/mlflow-ts.mjs's bundle path (import dist/cli.mjs, call main); it lives
 * under the repo so the bundle's external imports resolve from node_modules as they do from dist/.
 */
function freezeServer(): { bin: string; identity: string } {
  const dir = join(ROOT, 'bench', 'results', 'snapshot');
  mkdirSync(join(dir, 'dist'), { recursive: true });
  mkdirSync(join(dir, 'bin'), { recursive: true });
  const bundle = readFileSync(join(ROOT, 'dist', 'cli.mjs'));
  writeFileSync(join(dir, 'dist', 'cli.mjs'), bundle);
  writeFileSync(join(dir, 'dist', 'cli.mjs.map'), readFileSync(join(ROOT, 'dist', 'cli.mjs.map')));
  // The read threads' entry, found next to cli.mjs.
  const readWorker = readFileSync(join(ROOT, 'dist', 'read-worker.mjs'));
  writeFileSync(join(dir, 'dist', 'read-worker.mjs'), readWorker);
  // The log-batch write thread's.
  const writeWorker = readFileSync(join(ROOT, 'dist', 'write-worker.mjs'));
  writeFileSync(join(dir, 'dist', 'write-worker.mjs'), writeWorker);
  const bin = join(dir, 'bin', 'mlflow-ts.mjs');
  writeFileSync(
    bin,
    "// Frozen copy of bin/mlflow-ts.mjs's bundle path (bench/run.ts).\n" +
      "const { main } = await import('../dist/cli.mjs');\nawait main(process.argv.slice(2));\n",
  );
  const git = (...args: string[]) =>
    spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() ?? '';
  const dirty = git('status', '--porcelain', '--', 'packages', 'scripts/build.mjs') ? ' + uncommitted' : '';
  const sha = createHash('sha256')
    .update(bundle)
    .update(readWorker)
    .update(writeWorker)
    .digest('hex')
    .slice(0, 12);
  return { bin, identity: `server at ${git('rev-parse', '--short', 'HEAD')}${dirty}, bundle sha256 ${sha}` };
}

function machine(pg: PgCluster | undefined): string {
  const cpu = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model;
  const db = new BetterSqlite3(':memory:');
  const sqlite = (db.prepare('select sqlite_version() as v').get() as { v: string }).v;
  db.close();
  const sync = serverEnv.MLFLOW_TS_SQLITE_SYNCHRONOUS ?? 'NORMAL (server default)';
  return [
    `nproc ${cpus().length}`,
    cpu,
    `${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
    `Node ${process.version}`,
    `SQLite ${sqlite} (journal_mode=WAL, synchronous=${sync})`,
    pg ? `PostgreSQL ${pg.version} (${pg.settings})` : undefined,
    `server env: ${
      Object.keys(serverEnv).length
        ? Object.entries(serverEnv)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')
        : 'defaults'
    } (stdout to /dev/null)`,
  ]
    .filter(Boolean)
    .join('; ');
}

function median(figures: Figure[]): Figure {
  const sorted = [...figures].sort((a, b) => a.value - b.value);
  const mid = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return { ...mid, valid: figures.every((f) => f.valid) };
}

async function main(): Promise<void> {
  if (!opts['no-build']) {
    const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('node scripts/build.mjs failed');
  }
  const explainMs = opts['pg-explain'] === undefined ? undefined : Number(opts['pg-explain']);
  const pg = dialects.includes('postgresql') ? await startPgCluster({ explainMs }) : undefined;
  const scratch = mkdtempSync(join(tmpdir(), 'mlflow-ts-bench-'));
  const frozen = freezeServer();
  const summary: { dialect: Dialect; figure: Figure; runs: number[] }[] = [];
  const machineLine = `${machine(pg)}; ${frozen.identity}`;
  console.log(`# ${new Date().toISOString()}  ${machineLine}`);
  console.log(
    `# ${opts.connections} connections, ${opts.warmup} s warm-up + ${opts.duration} s measured, median of ${repeat}; ` +
      `latency workloads loaded by ${generator}, runs-create and log-batch by autocannon`,
  );
  let dbCounter = 0;
  try {
    for (const dialect of dialects) {
      for (const workload of workloads) {
        const byLabel = new Map<string, Figure[]>();
        for (let rep = 1; rep <= repeat; rep++) {
          const busy = await waitForQuiet();
          if (busy > 0.15) console.log(`  (box still ${(busy * 100).toFixed(0)} % busy; running anyway)`);
          const profDir = opts.profile ? join(scratch, `prof-${dialect}-${workload.name}-${rep}`) : undefined;
          const tracePath = opts['sql-trace']
            ? join(scratch, `sql-${dialect}-${workload.name}-${rep}.json`)
            : '';
          const trace = tracePath
            ? { nodeArgs: ['--import', join(ROOT, 'bench', 'sql-trace.mjs')] }
            : undefined;
          let window: [number, number] | undefined;
          let lastUri: string | undefined;
          const ctx: WorkloadContext = {
            dialect,
            duration: Number(opts.duration),
            warmup: Number(opts.warmup),
            connections: Number(opts.connections),
            generator,
            async newBackend(label) {
              const name = `bench_${label}_${++dbCounter}`;
              if (dialect === 'postgresql') {
                lastUri = await pg!.createDatabase(name);
                return lastUri;
              }
              const dir = join(scratch, name);
              mkdirSync(dir);
              return `sqlite:///${join(dir, 'mlflow.db')}`;
            },
            settle: async (uri) => {
              if (dialect === 'postgresql') await pg!.analyze(uri);
            },
            startServer: (uri) =>
              startServer({
                bin: frozen.bin,
                backendStoreUri: uri,
                env: tracePath ? { ...serverEnv, MLFLOW_TS_BENCH_SQL_TRACE: tracePath } : serverEnv,
                ...(profDir && { cpuProfDir: profDir }),
                ...trace,
              }),
            markWindow: (w) => {
              window = w;
            },
            log: (text) => console.log(text),
          };
          // Other sessions share this box: a run during which they used more than a quarter of a core is
          // repeated (up to 3 attempts; the least disturbed one is kept).
          let figures: Figure[] = [];
          let disturbance = Number.POSITIVE_INFINITY;
          for (let attempt = 1; attempt <= 3 && disturbance > MAX_OTHERS; attempt++) {
            if (attempt > 1) {
              console.log(`  (other processes used ${disturbance.toFixed(2)} cores; repeating)`);
              await waitForQuiet();
            }
            const got = await workload.run(ctx);
            const others = Math.max(0, ...got.map((f) => f.others ?? 0));
            if (others < disturbance) [figures, disturbance] = [got, others];
          }
          for (const f of figures) {
            console.log(line(f, dialect, `[${rep}/${repeat}] `));
            byLabel.set(f.label, [...(byLabel.get(f.label) ?? []), f]);
          }
          if (profDir) {
            const files = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile'));
            for (const [i, file] of files.entries()) {
              const name = `${dialect}-${workload.name}-${rep}-${i + 1}.cpuprofile`;
              const path = join(ROOT, 'bench', 'results', 'profiles', name);
              mkdirSync(dirname(path), { recursive: true });
              writeFileSync(path, readFileSync(join(profDir, file)));
              console.log(summarizeProfile(path, window));
            }
          }
          if (tracePath && window && existsSync(tracePath)) console.log(summarizeSqlTrace(tracePath, window));
          if (pg && explainMs !== undefined && lastUri) console.log(await pg.statementStats(lastUri));
        }
        for (const [, runs] of byLabel) {
          summary.push({ dialect, figure: median(runs), runs: runs.map((r) => r.value) });
        }
      }
    }
  } finally {
    if (pg && explainMs !== undefined && existsSync(pg.logFile)) {
      const copy = join(ROOT, 'bench', 'results', 'postgresql-explain.log');
      mkdirSync(dirname(copy), { recursive: true });
      writeFileSync(copy, readFileSync(pg.logFile));
      console.log(`# PostgreSQL log with auto_explain plans: ${copy}`);
    }
    pg?.stop();
    if (opts.keep) console.log(`# kept SQLite databases and SQL traces in ${scratch}`);
    else rmSync(scratch, { recursive: true, force: true });
  }
  console.log(`\n# medians of ${repeat}`);
  for (const s of summary) console.log(line(s.figure, s.dialect));
  if (opts.json) {
    const out = { date: new Date().toISOString(), machine: machineLine, options: opts, results: summary };
    mkdirSync(dirname(opts.json), { recursive: true });
    writeFileSync(opts.json, `${JSON.stringify(out, null, 2)}\n`);
  }
}

await main();
