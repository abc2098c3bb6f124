/**
 * log-batch of 1,000 metrics: the shape of a training loop flushing its buffered metrics (the Python
 * client's async logging and our SDK's batching logger both send up to 1,000 metrics per log-batch).
 * 16 runs logged round-robin; each request carries 10 keys × 100 consecutive steps of one run, and the steps
 * advance per request, so no point is a duplicate. Bodies are built from pre-rendered fragments per request
 * (~tens of µs), so the generator stays far below the server's cost.
 */
import { API, api, pmap } from '../http.ts';
import { describe, runLoad } from '../load.ts';
import { atLeast, type Workload, withServer } from '../workload.ts';

const RUNS = 16;
const KEYS = 10;
const STEPS = 100;
const POINTS = KEYS * STEPS;

export const logBatch: Workload = {
  name: 'log-batch',
  description: 'POST runs/log-batch, 1,000 metrics (10 keys × 100 new steps) per request, 16 runs',
  async run(ctx) {
    const uri = await ctx.newBackend('log_batch');
    return withServer(ctx, uri, async (server) => {
      const { experiment_id } = await api<{ experiment_id: string }>(server.url, '/experiments/create', {
        name: 'bench-log-batch',
      });
      const runIds = await pmap(Array.from({ length: RUNS }), 4, async () => {
        const res = await api<{ run: { info: { run_id: string } } }>(server.url, '/runs/create', {
          experiment_id,
          start_time: Date.now(),
        });
        return res.run.info.run_id;
      });
      // Per metric: the JSON up to the step number; values differ per key and step slot.
      const fragments: string[] = [];
      for (let k = 0; k < KEYS; k++) {
        for (let s = 0; s < STEPS; s++) {
          const value = Math.random() * 10;
          fragments.push(`{"key":"train/metric_${k}","value":${value},"timestamp":`);
        }
      }
      let built = 0;
      let buildNs = 0n;
      const bodyFor = (n: number): string => {
        const t0 = process.hrtime.bigint();
        const runId = runIds[n % RUNS]!;
        const firstStep = Math.floor(n / RUNS) * STEPS;
        const ts = Date.now();
        const parts = new Array<string>(POINTS);
        for (let i = 0; i < POINTS; i++) {
          parts[i] = `${fragments[i]}${ts + (i % STEPS)},"step":${firstStep + (i % STEPS)}}`;
        }
        const body = `{"run_id":"${runId}","metrics":[${parts.join(',')}]}`;
        buildNs += process.hrtime.bigint() - t0;
        return body;
      };
      const r = await runLoad({
        url: server.url,
        serverPid: server.pid,
        connections: ctx.connections,
        duration: ctx.duration,
        warmup: ctx.warmup,
        request: {
          method: 'POST',
          path: `${API}/runs/log-batch`,
          headers: { 'content-type': 'application/json' },
          setupRequest: (req) => ({ ...req, body: bodyFor(built++) }),
        },
      });
      ctx.markWindow(r.window);
      // Every acknowledged batch must be there exactly once: count the points of one key over all runs.
      let stored = 0;
      for (const runId of runIds) {
        const h = await api<{ metrics?: unknown[] }>(
          server.url,
          `/metrics/get-history?run_id=${runId}&metric_key=train/metric_0`,
        );
        stored += h.metrics?.length ?? 0;
      }
      const committed = stored / STEPS;
      const acked = r.okWarmup + r.ok;
      const consistent = Number.isInteger(committed) && committed >= acked && committed <= built;
      const genUs = Number(buildNs / 1000n) / Math.max(1, built);
      return [
        {
          label: `log-batch 1000 c=${ctx.connections}`,
          value: r.rps * POINTS,
          unit: 'points/s',
          goal: atLeast(200_000),
          detail:
            `${describe(r)}, check: ${committed} batches stored, ${acked} acked, ${built} built` +
            `${consistent ? ' ok' : ' MISMATCH'}, body build ${genUs.toFixed(0)} µs, ` +
            `peak RSS ${server.peakRssMb().toFixed(0)} MB`,
          valid: r.failed === 0 && consistent,
          others: r.cpu.others,
        },
      ];
    });
  },
};
