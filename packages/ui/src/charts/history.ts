/**
 * Sampled metric histories for charts. get-history-bulk-interval takes at most 100 run ids per call
 * (spec §1.2), so larger comparisons are split into calls of 100, a few in flight at a time.
 */
import type { MlflowClient } from '@mlflow-ts/client';
import { client } from '../api.ts';
import { batches } from '../common/batches.ts';

/** A point with its run id, as the client decodes it (NaN and infinities as numbers). */
type MetricWithRunId = Awaited<ReturnType<MlflowClient['getMetricHistoryBulkInterval']>>[number];

/** Steps sampled per run for the whole history: about two per pixel of a wide chart. */
export const MAX_POINTS = 1000;
/** Steps sampled per run inside a zoomed range: the server's maximum, so ranges up to this are exact. */
export const ZOOM_POINTS = 2500;
/** The endpoint's limit on run ids per call. */
export const RUNS_PER_CALL = 100;
const CALLS_IN_FLIGHT = 4;

export interface StepRange {
  start: number;
  end: number;
}

export async function fetchSampledHistory(
  runIds: readonly string[],
  metricKey: string,
  range: StepRange | null,
): Promise<MetricWithRunId[]> {
  const groups = batches(runIds, RUNS_PER_CALL);
  const results: MetricWithRunId[][] = new Array(groups.length);
  let next = 0;
  const worker = async () => {
    while (next < groups.length) {
      const i = next++;
      results[i] = await client.getMetricHistoryBulkInterval(groups[i]!, metricKey, {
        maxResults: range ? ZOOM_POINTS : MAX_POINTS,
        startStep: range?.start,
        endStep: range?.end,
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(CALLS_IN_FLIGHT, groups.length) }, worker));
  return results.flat();
}
