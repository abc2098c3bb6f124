/**
 * Start-up time and idle memory: spawn the CLI (`node bin/mlflow-ts.mjs server ...`) and poll /health
 * every 5 ms until it answers 200 — once on an empty database (the server creates MLflow's schema) and once
 * on the now-existing one (an ordinary restart). Idle RSS is VmRSS 5 s after the first answer, untouched.
 */
import { atMost, type Figure, type Workload } from '../workload.ts';

const IDLE_WAIT_MS = 5000;

export const startupMemory: Workload = {
  name: 'startup-memory',
  description: 'spawn → first /health answer (new and existing database), idle RSS',
  async run(ctx) {
    const uri = await ctx.newBackend('startup');
    const figures: Figure[] = [];
    const first = await ctx.startServer(uri);
    try {
      await new Promise((r) => setTimeout(r, IDLE_WAIT_MS));
      figures.push(
        {
          label: 'idle RSS',
          value: first.rssMb(),
          unit: 'MB',
          goal: atMost(120),
          detail: `VmRSS ${IDLE_WAIT_MS / 1000} s after start, peak ${first.peakRssMb().toFixed(0)} MB`,
          valid: true,
        },
        {
          label: 'startup (new db)',
          value: first.startupMs,
          unit: 'ms',
          goal: atMost(1000),
          detail: 'spawn → first 200 from /health, schema created',
          valid: true,
        },
      );
    } finally {
      await first.stop();
    }
    const again = await ctx.startServer(uri);
    await again.stop();
    figures.push({
      label: 'startup (existing db)',
      value: again.startupMs,
      unit: 'ms',
      goal: atMost(1000),
      detail: 'spawn → first 200 from /health, schema present',
      valid: true,
    });
    return figures;
  },
};
