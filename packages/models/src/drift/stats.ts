/**
 * The drift statistics of a window of served values against a training profile (profile.ts):
 * the Kolmogorov–Smirnov statistic D = sup |F_window − F_train| with its asymptotic two-sample p-value,
 * and the population stability index over the profile's decile bins.
 */
import { binCounts, type FeatureProfile, lowerBound, upperBound } from './profile.ts';

/** Training CDF at x, rebuilt from the quantiles (linear between them, jumps where they repeat). */
function cdfAt(q: readonly number[], x: number): number {
  const k = q.length - 1;
  const hi = upperBound(q, x) - 1; // last quantile ≤ x
  if (hi < 0) return 0;
  if (hi >= k) return 1;
  return (hi + (x - q[hi]!) / (q[hi + 1]! - q[hi]!)) / k;
}

/** The CDF's left limit at x: the probability of values strictly below x. */
function cdfBelow(q: readonly number[], x: number): number {
  const k = q.length - 1;
  const lo = lowerBound(q, x); // first quantile ≥ x
  if (lo === 0) return 0;
  if (lo > k) return 1;
  return (lo - 1 + (x - q[lo - 1]!) / (q[lo]! - q[lo - 1]!)) / k;
}

/**
 * D between the window (sorted ascending) and the profile. The window's CDF is a step function, so the
 * supremum is reached at a window value, from the left or the right; both sides are checked, which
 * keeps D right when values repeat (discrete features).
 */
export function ksStatistic(sorted: Float64Array, q: readonly number[]): number {
  const m = sorted.length;
  let d = 0;
  for (let i = 0; i < m; ) {
    const v = sorted[i]!;
    let j = i;
    while (j < m && sorted[j] === v) j++;
    d = Math.max(d, Math.abs(i / m - cdfBelow(q, v)), Math.abs(j / m - cdfAt(q, v)));
    i = j;
  }
  return d;
}

/**
 * P(D ≥ d) for samples of sizes n (training) and m (window): the Kolmogorov distribution at
 * λ = (√ne + 0.12 + 0.11/√ne)·d with ne = nm/(n+m) (Stephens' small-sample correction). Ties make the
 * test conservative (p too high), never falsely alarming.
 */
export function ksPValue(d: number, n: number, m: number): number {
  const ne = (n * m) / (n + m);
  const s = Math.sqrt(ne);
  const lambda = (s + 0.12 + 0.11 / s) * d;
  if (lambda < 0.2) return 1; // the series below converges too slowly here, and Q(λ) > 0.9999999
  let sum = 0;
  for (let j = 1; j <= 100; j++) {
    const term = Math.exp(-2 * j * j * lambda * lambda);
    sum += j % 2 ? term : -term;
    if (term < 1e-16) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

/** Floor for empty bins, so one empty bin does not make the index infinite. */
const EMPTY_SHARE = 1e-4;

/** PSI = Σ (a − e)·ln(a/e) over the profile's bins (a: window share, e: training share). */
export function psi(sorted: Float64Array, f: FeatureProfile): number {
  const actual = binCounts(sorted, f.bin_edges);
  const total = f.bin_counts.reduce((a, b) => a + b, 0);
  let sum = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = Math.max(actual[i]! / sorted.length, EMPTY_SHARE);
    const e = Math.max(f.bin_counts[i]! / total, EMPTY_SHARE);
    sum += (a - e) * Math.log(a / e);
  }
  return sum;
}
