/**
 * runs/create: what `mlflow.start_run()` sends — experiment id, start time and the system tags of the
 * Python client (user, source name/type, git commit); no run name, so the server picks one and adds the
 * mlflow.runName tag, as with a default start_run(). One experiment, 8 connections.
 */
import { API, api, PYTHON_CLIENT_RUN_TAGS } from '../http.ts';
import { describe, runLoad } from '../load.ts';
import { atLeast, type Workload, withServer } from '../workload.ts';

export const runsCreate: Workload = {
  name: 'runs-create',
  description: 'POST runs/create with the Python client body, 8 connections',
  async run(ctx) {
    const uri = await ctx.newBackend('runs_create');
    return withServer(ctx, uri, async (server) => {
      const { experiment_id } = await api<{ experiment_id: string }>(server.url, '/experiments/create', {
        name: 'bench-runs-create',
      });
      const body = JSON.stringify({
        experiment_id,
        start_time: Date.now(),
        tags: PYTHON_CLIENT_RUN_TAGS,
      });
      const r = await runLoad({
        url: server.url,
        serverPid: server.pid,
        connections: ctx.connections,
        duration: ctx.duration,
        warmup: ctx.warmup,
        request: {
          method: 'POST',
          path: `${API}/runs/create`,
          headers: { 'content-type': 'application/json' },
          body,
        },
      });
      ctx.markWindow(r.window);
      return [
        {
          label: `runs/create c=${ctx.connections}`,
          value: r.rps,
          unit: 'req/s',
          goal: atLeast(3300),
          detail: `${describe(r)}, peak RSS ${server.peakRssMb().toFixed(0)} MB`,
          valid: r.failed === 0,
          others: r.cpu.others,
        },
      ];
    });
  },
};
