/**
 * A faster way to pick the steps get-history-bulk-interval returns (spec §1.2), for the common case where
 * every run logged the metric at consecutive steps (0, 1, 2, … with no gaps).
 *
 * The general query numbers every distinct step in range with window functions, which costs ~1 s for a
 * million-step history on SQLite. When each run's steps are consecutive, the distinct steps of all runs
 * are a union of integer intervals, so the i-th distinct step is arithmetic and the sample can be computed
 * here from each run's (first, last, count of distinct steps) — one scan per run, no window. The chosen steps are exactly those the general query would choose; runs with gaps in
 * their steps fall back to it.
 */
import { sql } from 'kysely';
import type { SqlDialect } from './dialect.ts';
import { historyRowsOfRuns } from './history-source.ts';

export interface StepSpan {
  lo: number;
  hi: number;
}

/**
 * Positions (0-based, in step order) the general query keeps out of `count` distinct steps: all of them
 * up to `maxResults`, else the first one and every position where ⌊i·m/(count−1)⌋ changes, m = max−1.
 */
export function sampledPositions(count: number, maxResults: number): number[] {
  const limit = Math.trunc(maxResults);
  const m = Math.max(limit, 2) - 1;
  const out: number[] = [];
  if (count <= limit) {
    for (let i = 0; i < count; i++) out.push(i);
    return out;
  }
  // ⌊i·m/(count−1)⌋ grows by at most 1 per position (m < count−1), so it changes exactly at the first
  // position of each bucket k = 1…m: ⌈k·(count−1)/m⌉. Integer arithmetic, exact below 2^53.
  out.push(0);
  for (let k = 1; k <= m; k++) out.push(Math.floor((k * (count - 1) + m - 1) / m));
  return out;
}

/**
 * The steps the general query would return for runs whose steps are the given gap-free spans: the sampled
 * positions of the spans' union, plus each run's first and last step. Sorted, without repeats.
 */
export function sampledStepsOfSpans(spans: readonly StepSpan[], maxResults: number): number[] {
  if (spans.length === 0) return [];
  // Merge the spans into disjoint intervals: the distinct steps of all runs together.
  const sorted = [...spans].sort((a, b) => a.lo - b.lo);
  const merged: StepSpan[] = [{ ...sorted[0]! }];
  for (const s of sorted.slice(1)) {
    const last = merged[merged.length - 1]!;
    if (s.lo <= last.hi + 1) last.hi = Math.max(last.hi, s.hi);
    else merged.push({ ...s });
  }
  const count = merged.reduce((n, s) => n + (s.hi - s.lo + 1), 0);
  const steps = new Set<number>();
  // Walk positions and intervals together: both are in ascending order.
  let interval = 0;
  let before = 0; // distinct steps in the intervals before `interval`
  for (const i of sampledPositions(count, maxResults)) {
    while (i - before > merged[interval]!.hi - merged[interval]!.lo) {
      before += merged[interval]!.hi - merged[interval]!.lo + 1;
      interval++;
    }
    steps.add(merged[interval]!.lo + (i - before));
  }
  for (const s of spans) {
    steps.add(s.lo);
    steps.add(s.hi);
  }
  return [...steps].sort((a, b) => a - b);
}

/**
 * Each run's first and last step of `key` in range and whether the steps between are all there; null as
 * soon as one run has a gap (or a non-integer step), which the general query must then handle.
 */
export async function gapFreeSpans(
  dialect: SqlDialect,
  runIds: readonly string[],
  key: string,
  range: { startStep?: number; endStep?: number },
): Promise<StepSpan[] | null> {
  const steps =
    range.startStep !== undefined && range.endStep !== undefined
      ? { start: range.startStep, end: range.endStep }
      : undefined;
  const spans: StepSpan[] = [];
  for (const runId of runIds) {
    const { rows } = await sql<{ lo: unknown; hi: unknown; c: unknown }>`
      SELECT MIN(step) AS lo, MAX(step) AS hi, COUNT(DISTINCT step) AS c
      FROM (${historyRowsOfRuns(dialect, [runId], key, steps)}) AS h`.execute(dialect.db);
    const row = rows[0];
    // PostgreSQL returns BIGINT aggregates as strings.
    const c = Number(row?.c ?? 0);
    if (c === 0) continue;
    const lo = Number(row!.lo);
    const hi = Number(row!.hi);
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || hi - lo + 1 !== c) return null;
    spans.push({ lo, hi });
  }
  return spans;
}
