/**
 * Latency goals (p50) are measured twice: with 1 connection (the latency one user sees on an idle server,
 * which is what the Python reference figures and the bare-stack figures in architecture §6 are) and with
 * the 8 concurrent connections (on 2 cores, p50 there is roughly queue depth × service time).
 */
import type { AutocannonRequest } from 'autocannon';
import { describe, runLoad } from '../load.ts';
import { runLoadWrk } from '../load-wrk.ts';
import type { ServerProcess } from '../server-process.ts';
import { atMost, type Figure, type WorkloadContext } from '../workload.ts';

export async function latencyFigures(
  ctx: WorkloadContext,
  server: ServerProcess,
  label: string,
  request: AutocannonRequest,
  goalMs: number,
  note: string,
): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const connections of [1, ctx.connections]) {
    const r = await (ctx.generator === 'wrk' ? runLoadWrk : runLoad)({
      url: server.url,
      serverPid: server.pid,
      connections,
      duration: ctx.duration,
      warmup: ctx.warmup,
      request,
    });
    if (connections === ctx.connections) ctx.markWindow(r.window);
    figures.push({
      label: `${label} c=${connections} p50`,
      value: r.p50,
      unit: 'ms',
      goal: atMost(goalMs),
      detail: `${describe(r)}, ${note}, peak RSS ${server.peakRssMb().toFixed(0)} MB`,
      valid: r.failed === 0,
      others: r.cpu.others,
    });
  }
  return figures;
}
