/**
 * The run-page workloads of the UI bench: seeding a run with many metric keys and a run with a very long
 * metric history through the REST API (runs/log-batch, 1,000 metrics per request — MLflow's batch limit),
 * and timing in the page how long the run page and the curve take to show.
 */
import type { Page } from 'playwright-core';
import { api, pmap } from '../http.ts';

/** MLflow's limit on metrics per runs/log-batch request (spec §4). */
const BATCH = 1000;

async function createRun(url: string, experimentId: string, name: string): Promise<string> {
  const { run } = await api<{ run: { info: { run_id: string } } }>(url, '/runs/create', {
    experiment_id: experimentId,
    run_name: name,
    start_time: Date.now(),
  });
  return run.info.run_id;
}

/** One run with `keys` metric keys (one point each) and a few params. */
export async function seedWideRun(url: string, experimentId: string, keys: number): Promise<string> {
  const runId = await createRun(url, experimentId, `wide-${keys}`);
  const now = Date.now();
  const batches = Array.from({ length: Math.ceil(keys / BATCH) }, (_, b) => b);
  await pmap(batches, 8, (b) =>
    api(url, '/runs/log-batch', {
      run_id: runId,
      metrics: Array.from({ length: Math.min(BATCH, keys - b * BATCH) }, (_, i) => {
        const k = b * BATCH + i;
        // Zero-padded so the keys sort as numbers: "m00000" … "m09999".
        return { key: `m${String(k).padStart(5, '0')}`, value: (k * 7919) % 1000, timestamp: now, step: 0 };
      }),
    }),
  );
  await api(url, '/runs/log-batch', { run_id: runId, params: [{ key: 'layers', value: '12' }] });
  return runId;
}

/** One run with metric `key` logged at steps 0 … steps-1: a noisy decaying loss. */
export async function seedLongRun(url: string, experimentId: string, key: string, steps: number) {
  const runId = await createRun(url, experimentId, `long-${steps}`);
  const t0 = Date.now() - steps;
  const batches = Array.from({ length: Math.ceil(steps / BATCH) }, (_, b) => b);
  await pmap(batches, 16, (b) =>
    api(url, '/runs/log-batch', {
      run_id: runId,
      metrics: Array.from({ length: Math.min(BATCH, steps - b * BATCH) }, (_, i) => {
        const step = b * BATCH + i;
        const value = 1 / (1 + step / 1000) + 0.05 * Math.sin(step * 12.9898);
        return { key, value, timestamp: t0 + step, step };
      }),
    }),
  );
  return runId;
}

/** `performance.now()` at the next animation frame: what was rendered before it is on screen then. */
export const nextFrame = (page: Page) =>
  page.evaluate(
    () => new Promise<number>((resolve) => requestAnimationFrame(() => resolve(performance.now()))),
  );
