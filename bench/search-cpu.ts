/**
 * CPU time per request of the two search reads, in-process (no HTTP): the service call plus the
 * JSON.stringify the HTTP layer does when a service returns objects (a JsonText body is sent as it is).
 * The shapes are those of the search-runs and search-experiments workloads (bench/workloads/).
 *
 *   node --import tsx bench/search-cpu.ts [--n 300] [--repeat 3] [--keep DIR] [--pg] [runs] [experiments]
 *
 * `--keep DIR` seeds SQLite files in DIR once and reuses them on later runs (seeding 10,000 runs takes
 * ~20 s); `--pg` measures on a throwaway PostgreSQL cluster as well.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  openSqlTrackingStore,
  type SqlTrackingStore,
  TrackingService,
} from '../packages/server/src/index.ts';
import { JsonText } from '../packages/server/src/services/json-body.ts';
import { startPgCluster } from './postgres.ts';

const RUNS = 10_000;
const EXPERIMENTS = 100;
const FILTER = "metrics.m1 > 0.5 and params.p1 = 'x'";

const { values: opts, positionals } = parseArgs({
  options: {
    n: { type: 'string', default: '300' },
    repeat: { type: 'string', default: '3' },
    keep: { type: 'string' },
    pg: { type: 'boolean', default: false },
  },
  allowPositionals: true,
});
const N = Number(opts.n);
const REPEAT = Number(opts.repeat);
const wanted = positionals.length > 0 ? positionals : ['runs', 'experiments'];

/** 16 calls in flight, so the group-commit writer merges them. */
async function pmap(count: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await fn(next++);
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

async function seedRuns(store: SqlTrackingStore): Promise<void> {
  const experimentId = await store.createExperiment({ name: 'bench-search-runs', tags: [] });
  const t0 = Date.now() - RUNS * 1000;
  await pmap(RUNS, async (i) => {
    const run = await store.createRun({
      experimentId,
      userId: 'bench',
      runName: `run-${i}`,
      startTime: t0 + i * 1000,
      tags: [],
    });
    const ts = t0 + i * 1000 + 500;
    await store.logBatch(run.info.run_id, {
      params: Array.from({ length: 10 }, (_, k) => ({
        key: `p${k}`,
        value:
          k === 1 ? (Math.random() < 0.5 ? 'x' : 'y') : `value-${k}-${(Math.random() * 1000).toFixed(0)}`,
      })),
      metrics: Array.from({ length: 10 }, (_, k) => ({
        key: `m${k}`,
        value: Math.random(),
        timestamp: ts,
        step: 0,
      })),
      tags: Array.from({ length: 5 }, (_, k) => ({ key: `t${k}`, value: `tag-${k}-${i % 7}` })),
    });
  });
}

async function seedExperiments(store: SqlTrackingStore): Promise<void> {
  await pmap(EXPERIMENTS, async (i) => {
    await store.createExperiment({
      name: `team-a/project-${i}`,
      tags: [
        { key: 'team', value: i % 2 ? 'vision' : 'nlp' },
        { key: 'mlflow.note.content', value: `Experiment ${i}: baseline sweep` },
      ],
    });
  });
}

/** What the HTTP layer turns a service result into. */
function bodyOf(result: object): string | Uint8Array {
  return result instanceof JsonText ? result.text : JSON.stringify(result);
}

/**
 * Wall time per call (p50, mean) and the process's CPU time per call (user + system, all threads: what
 * the calls cost the box when other work competes for the cores), best of `--repeat` rounds of N calls.
 */
async function time(label: string, call: () => Promise<object>): Promise<void> {
  for (let i = 0; i < 30; i++) bodyOf(await call());
  let best: { mean: number; p50: number; cpu: number } | undefined;
  let bytes = 0;
  for (let round = 0; round < REPEAT; round++) {
    const times: number[] = [];
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < N; i++) {
      const t = performance.now();
      bytes = bodyOf(await call()).length;
      times.push(performance.now() - t);
    }
    const used = process.cpuUsage(cpu0);
    times.sort((a, b) => a - b);
    const result = {
      mean: times.reduce((a, b) => a + b, 0) / N,
      p50: times[Math.floor(N / 2)]!,
      cpu: (used.user + used.system) / 1000 / N,
    };
    if (!best || result.p50 < best.p50) best = result;
  }
  console.log(
    `${label}: p50 ${best!.p50.toFixed(3)} ms, mean ${best!.mean.toFixed(3)} ms, CPU ${best!.cpu.toFixed(3)} ms per call (best of ${REPEAT} × ${N} calls, ${bytes} bytes)`,
  );
}

async function measure(
  dialect: string,
  uriOf: (name: string) => Promise<{ uri: string; fresh: boolean }>,
  analyze: (uri: string) => Promise<void> = async () => {},
) {
  const open = (uri: string) => openSqlTrackingStore(uri, { defaultArtifactRoot: 'mlflow-artifacts:/' });
  if (wanted.includes('runs')) {
    const { uri, fresh } = await uriOf('search_runs');
    const store = await open(uri);
    if (fresh) await seedRuns(store);
    await analyze(uri);
    const service = new TrackingService(store);
    const [exp] = (
      await store.searchExperiments({
        viewType: 'ACTIVE_ONLY',
        filter: [],
        orderBy: [],
        maxResults: 10,
        offset: 0,
      })
    ).items.filter((e) => e.name === 'bench-search-runs');
    const body = {
      experiment_ids: [exp!.experiment_id],
      filter: FILTER,
      run_view_type: 'ACTIVE_ONLY' as const,
      max_results: 100,
      order_by: ['metrics.m2 DESC'],
    };
    await time(`runs/search [${dialect}]`, () => service.searchRuns(body));
    await store.close();
  }
  if (wanted.includes('experiments')) {
    const { uri, fresh } = await uriOf('search_experiments');
    const store = await open(uri);
    if (fresh) await seedExperiments(store);
    await analyze(uri);
    const service = new TrackingService(store);
    const body = { max_results: 1000, view_type: 'ACTIVE_ONLY' as const };
    await time(`experiments/search [${dialect}]`, () => service.searchExperiments(body));
    await store.close();
  }
}

const dir = opts.keep ?? mkdtempSync(join(tmpdir(), 'mlflow-ts-search-cpu-'));
mkdirSync(dir, { recursive: true });
try {
  await measure('sqlite', async (name) => {
    const path = join(dir, `${name}.db`);
    return { uri: `sqlite:///${path}`, fresh: !existsSync(path) };
  });
  if (opts.pg) {
    const cluster = await startPgCluster();
    try {
      await measure(
        'postgresql',
        async (name) => {
          const uri = await cluster.createDatabase(name);
          return { uri, fresh: true };
        },
        (uri) => cluster.analyze(uri),
      );
    } finally {
      cluster.stop();
    }
  }
} finally {
  if (!opts.keep) rmSync(dir, { recursive: true, force: true });
}
