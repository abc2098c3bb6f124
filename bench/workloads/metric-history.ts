/**
 * metrics/get-history of one metric with 100,000 steps, without max_results: what MlflowClient
 * .get_metric_history() of older clients and the UI's chart of a long training run ask for — the whole
 * history in one response (~7 MB of JSON). Seeded as 100 log-batches of 1,000 steps, 4 in flight.
 */
import { API, api, pmap } from '../http.ts';
import { type Workload, withServer } from '../workload.ts';
import { latencyFigures } from './latency.ts';

const STEPS = 100_000;
const BATCH = 1000;

export const metricHistory: Workload = {
  name: 'metric-history',
  description: 'GET metrics/get-history, one metric with 100k steps, whole history',
  async run(ctx) {
    const uri = await ctx.newBackend('metric_history');
    return withServer(ctx, uri, async (server) => {
      const { experiment_id } = await api<{ experiment_id: string }>(server.url, '/experiments/create', {
        name: 'bench-metric-history',
      });
      const { run } = await api<{ run: { info: { run_id: string } } }>(server.url, '/runs/create', {
        experiment_id,
        start_time: Date.now(),
      });
      const runId = run.info.run_id;
      const t0 = Date.now() - STEPS * 10;
      await pmap(Array.from({ length: STEPS / BATCH }), 4, async (_, b) => {
        const metrics = Array.from({ length: BATCH }, (_, i) => {
          const step = b * BATCH + i;
          return {
            key: 'loss',
            value: 1 / (1 + step) + Math.random() * 1e-3,
            timestamp: t0 + step * 10,
            step,
          };
        });
        await api(server.url, '/runs/log-batch', { run_id: runId, metrics });
      });
      await ctx.settle(uri);
      const path = `${API}/metrics/get-history?run_id=${runId}&metric_key=loss`;
      const res = await fetch(server.url + path);
      const text = await res.text();
      const parsed = JSON.parse(text) as { metrics?: { step: number }[]; next_page_token?: string };
      if (parsed.metrics?.length !== STEPS || parsed.next_page_token) {
        throw new Error(`get-history returned ${parsed.metrics?.length} points, expected ${STEPS}`);
      }
      const note = `${(text.length / 1e6).toFixed(1)} MB response`;
      return latencyFigures(ctx, server, 'get-history 100k', { method: 'GET', path }, 100, note);
    });
  },
};
