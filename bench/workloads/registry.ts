/**
 * Registry reads (issue 3 "Speed"): 10,000 model versions (100 registered models × 100 versions, two
 * tags each, an alias on every tenth version), then
 *   - model-versions/search as MlflowClient.search_model_versions("name = '…'") sends it (GET,
 *     max_results 10000): p50 ≤ 20 ms;
 *   - registered-models/alias (get version by alias, what loading `models:/name@champion` starts with):
 *     p50 ≤ 2 ms.
 */
import { API, api, pmap } from '../http.ts';
import { type Figure, type Workload, withServer } from '../workload.ts';
import { latencyFigures } from './latency.ts';

const MODELS = 100;
const VERSIONS = 100;

async function apiMethod(url: string, method: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${url}${API}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status} ${await res.text()}`);
}

export const registry: Workload = {
  name: 'registry',
  description: 'model-versions/search and get-by-alias over 10,000 versions',
  async run(ctx) {
    const uri = await ctx.newBackend('registry');
    return withServer(ctx, uri, async (server) => {
      await pmap(Array.from({ length: MODELS }), 8, (_, m) =>
        api(server.url, '/registered-models/create', {
          name: `model-${m}`,
          tags: [{ key: 'team', value: 'ml' }],
        }),
      );
      const jobs = Array.from({ length: MODELS * VERSIONS }, (_, i) => ({
        m: i % MODELS,
        v: Math.floor(i / MODELS),
      }));
      // Versions of one model are created in order (numbers are per model); models interleave.
      await pmap(Array.from({ length: MODELS }), 8, async (_, m) => {
        for (const job of jobs.filter((j) => j.m === m)) {
          await api(server.url, '/model-versions/create', {
            name: `model-${m}`,
            source: `mlflow-artifacts:/1/run${m}x${job.v}/artifacts/model`,
            run_id: `run${m}x${job.v}`,
            tags: [
              { key: 'validated', value: job.v % 2 ? 'true' : 'false' },
              { key: 'framework', value: 'onnx' },
            ],
          });
        }
        await apiMethod(server.url, 'POST', '/registered-models/alias', {
          name: `model-${m}`,
          alias: 'champion',
          version: String(VERSIONS - 5),
        });
      });
      await ctx.settle(uri);
      const query = `filter=${encodeURIComponent("name = 'model-42'")}&max_results=10000`;
      const check = await fetch(`${server.url}${API}/model-versions/search?${query}`).then(
        (r) => r.json() as Promise<{ model_versions?: unknown[] }>,
      );
      if (check.model_versions?.length !== VERSIONS) {
        throw new Error(`model-versions/search returned ${check.model_versions?.length} versions`);
      }
      const figures: Figure[] = [];
      figures.push(
        ...(await latencyFigures(
          ctx,
          server,
          'model-versions/search',
          { method: 'GET', path: `${API}/model-versions/search?${query}` },
          20,
          `${VERSIONS} of ${MODELS * VERSIONS} versions returned`,
        )),
      );
      figures.push(
        ...(await latencyFigures(
          ctx,
          server,
          'registered-models/alias',
          { method: 'GET', path: `${API}/registered-models/alias?name=model-42&alias=champion` },
          2,
          'one version with tags and aliases',
        )),
      );
      return figures;
    });
  },
};
