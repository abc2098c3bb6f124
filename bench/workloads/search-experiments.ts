/**
 * experiments/search with 100 experiments (2 tags each): what mlflow.search_experiments() sends
 * (max_results 1000, ACTIVE_ONLY) and what the UI's experiment list loads on every page view.
 */
import { API, api, pmap } from '../http.ts';
import { type Workload, withServer } from '../workload.ts';
import { latencyFigures } from './latency.ts';

const EXPERIMENTS = 100;

export const searchExperiments: Workload = {
  name: 'search-experiments',
  description: 'POST experiments/search, 100 experiments, max_results 1000',
  async run(ctx) {
    const uri = await ctx.newBackend('search_experiments');
    return withServer(ctx, uri, async (server) => {
      await pmap(Array.from({ length: EXPERIMENTS }), 8, (_, i) =>
        api(server.url, '/experiments/create', {
          name: `team-a/project-${i}`,
          tags: [
            { key: 'team', value: i % 2 ? 'vision' : 'nlp' },
            { key: 'mlflow.note.content', value: `Experiment ${i}: baseline sweep` },
          ],
        }),
      );
      await ctx.settle(uri);
      const body = { max_results: 1000, view_type: 'ACTIVE_ONLY' };
      const check = await api<{ experiments?: unknown[] }>(server.url, '/experiments/search', body);
      // 100 created + the Default experiment.
      if ((check.experiments?.length ?? 0) < EXPERIMENTS) {
        throw new Error(`experiments/search returned ${check.experiments?.length} experiments`);
      }
      return latencyFigures(
        ctx,
        server,
        'experiments/search',
        {
          method: 'POST',
          path: `${API}/experiments/search`,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        },
        2,
        `${check.experiments?.length} experiments returned`,
      );
    });
  },
};
