/**
 * runs/search over 10,000 runs of one experiment, each with 10 params, 10 metrics and 5 tags (plus the
 * mlflow.runName tag the server adds): the query a user types in the UI or passes to mlflow.search_runs().
 * Filter `metrics.m1 > 0.5 and params.p1 = 'x'` (m1 uniform in [0, 1), p1 'x' for half the runs: ~25 %
 * match), ordered by metrics.m2 DESC, 100 results, i.e. one page of the UI's run table.
 * Seeded through the API (runs/create + one log-batch per run, 16 in flight) before the measured window.
 */
import { API, api, pmap } from '../http.ts';
import type { Workload } from '../workload.ts';
import { withServer } from '../workload.ts';
import { latencyFigures } from './latency.ts';

const RUNS = 10_000;
const FILTER = "metrics.m1 > 0.5 and params.p1 = 'x'";

export const searchRuns: Workload = {
  name: 'search-runs',
  description: `runs/search over 10k runs, filter ${FILTER}, order by metrics.m2 DESC, 100 results`,
  async run(ctx) {
    const uri = await ctx.newBackend('search_runs');
    return withServer(ctx, uri, async (server) => {
      const { experiment_id } = await api<{ experiment_id: string }>(server.url, '/experiments/create', {
        name: 'bench-search-runs',
      });
      const seedStart = performance.now();
      const t0 = Date.now() - RUNS * 1000;
      let matching = 0;
      await pmap(Array.from({ length: RUNS }), 16, async (_, i) => {
        const { run } = await api<{ run: { info: { run_id: string } } }>(server.url, '/runs/create', {
          experiment_id,
          start_time: t0 + i * 1000,
          run_name: `run-${i}`,
        });
        const ts = t0 + i * 1000 + 500;
        const m1 = Math.random();
        const p1 = Math.random() < 0.5 ? 'x' : 'y';
        if (m1 > 0.5 && p1 === 'x') matching++;
        await api(server.url, '/runs/log-batch', {
          run_id: run.info.run_id,
          params: Array.from({ length: 10 }, (_, k) => ({
            key: `p${k}`,
            value: k === 1 ? p1 : `value-${k}-${(Math.random() * 1000).toFixed(0)}`,
          })),
          metrics: Array.from({ length: 10 }, (_, k) => ({
            key: `m${k}`,
            value: k === 1 ? m1 : Math.random(),
            timestamp: ts,
            step: 0,
          })),
          tags: Array.from({ length: 5 }, (_, k) => ({ key: `t${k}`, value: `tag-${k}-${i % 7}` })),
        });
      });
      const seedS = (performance.now() - seedStart) / 1000;
      ctx.log(`  seeded ${RUNS} runs in ${seedS.toFixed(1)} s (${matching} match the filter)`);
      await ctx.settle(uri);
      const body = {
        experiment_ids: [experiment_id],
        filter: FILTER,
        run_view_type: 'ACTIVE_ONLY',
        max_results: 100,
        order_by: ['metrics.m2 DESC'],
      };
      const check = await api<{ runs?: { data: { params?: unknown[] } }[]; next_page_token?: string }>(
        server.url,
        '/runs/search',
        body,
      );
      const ok = check.runs?.length === 100 && check.next_page_token !== undefined;
      if (!ok) throw new Error(`runs/search returned ${check.runs?.length} runs, expected 100 and a token`);
      const note = `${((matching / RUNS) * 100).toFixed(1)} % of runs match`;
      return latencyFigures(
        ctx,
        server,
        'runs/search',
        {
          method: 'POST',
          path: `${API}/runs/search`,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        },
        20,
        note,
      );
    });
  },
};
