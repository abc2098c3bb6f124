/**
 * Chart data helpers: grouping history points into per-run series, exponential smoothing, min/max
 * downsampling (keeps spikes visible, unlike taking every n-th point) and aligning series on one x axis
 * for uPlot, which wants one shared x array with nulls where a series has no point.
 */
import type { XAxis } from '../url-state.ts';

export interface Point {
  step: number;
  timestamp: number;
  value: number;
  run_id?: string;
}

export interface Series {
  label: string;
  xs: number[];
  ys: number[];
}

/** Points of one run ordered by x; relative time is seconds since the run's first point. */
export function toSeries(label: string, points: readonly Point[], x: XAxis): Series {
  const sorted = [...points].sort((a, b) =>
    x === 'step' ? a.step - b.step || a.timestamp - b.timestamp : a.timestamp - b.timestamp,
  );
  const t0 = sorted[0]?.timestamp ?? 0;
  const xs = sorted.map((p) =>
    x === 'step' ? p.step : x === 'time' ? p.timestamp / 1000 : (p.timestamp - t0) / 1000,
  );
  return { label, xs, ys: sorted.map((p) => p.value) };
}

export function groupByRun<P extends Point>(points: readonly P[]): Map<string, P[]> {
  const out = new Map<string, P[]>();
  for (const p of points) {
    const id = p.run_id ?? '';
    const list = out.get(id);
    if (list) list.push(p);
    else out.set(id, [p]);
  }
  return out;
}

/** Debiased exponential moving average (as TensorBoard smooths); NaN and ±Infinity pass through untouched. */
export function smoothEma(ys: readonly number[], weight: number): number[] {
  if (weight <= 0) return [...ys];
  let last = 0;
  let n = 0;
  return ys.map((y) => {
    if (!Number.isFinite(y)) return y;
    last = last * weight + (1 - weight) * y;
    n++;
    return last / (1 - weight ** n);
  });
}

/**
 * At most ~2·buckets points: for each bucket of consecutive points, the lowest and the highest (in x
 * order). Series at or below the budget are returned as they are.
 */
export function downsampleMinMax(s: Series, buckets: number): Series {
  const n = s.xs.length;
  if (n <= buckets * 2 || buckets < 1) return s;
  const xs: number[] = [];
  const ys: number[] = [];
  const size = n / buckets;
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor(b * size);
    const to = Math.min(n, Math.floor((b + 1) * size));
    let lo = from;
    let hi = from;
    for (let i = from; i < to; i++) {
      if (s.ys[i]! < s.ys[lo]!) lo = i;
      if (s.ys[i]! > s.ys[hi]!) hi = i;
    }
    for (const i of lo === hi ? [lo] : lo < hi ? [lo, hi] : [hi, lo]) {
      xs.push(s.xs[i]!);
      ys.push(s.ys[i]!);
    }
  }
  return { label: s.label, xs, ys };
}

/**
 * One sorted x array for all series and, per series, its y at each x (null where it has none). Duplicate
 * x within a series keep the last y. Non-finite y become null (uPlot cannot draw NaN; the table shows it).
 */
export function alignSeries(series: readonly Series[]): [number[], ...(number | null)[][]] {
  const allX = new Set<number>();
  for (const s of series) for (const x of s.xs) allX.add(x);
  const xs = [...allX].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const ys = series.map((s) => {
    const col: (number | null)[] = new Array(xs.length).fill(null);
    s.xs.forEach((x, i) => {
      const y = s.ys[i]!;
      col[index.get(x)!] = Number.isFinite(y) ? y : null;
    });
    return col;
  });
  return [xs, ...ys];
}
