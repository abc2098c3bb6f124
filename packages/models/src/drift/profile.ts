/**
 * Training-data profiles for drift monitoring: per numeric feature, 1,001 quantiles (every 0.1 %), a
 * 10-bin histogram on the deciles, and summary numbers. `logModel({trainingData})` writes one into the
 * model directory as `training_profile.json`; `models serve` compares its rolling window of inputs with it
 * (see monitor.ts). 1,001 quantiles bound the error of the training CDF rebuilt from them to 0.1 % of
 * probability mass — well below the KS statistics that matter (≥ 2 % for windows of a few thousand rows).
 * Not an MLflow format: Python ignores the file.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Frame } from '../input/model-input.ts';

export const PROFILE_FILE = 'training_profile.json';
const QUANTILES = 1000; // intervals: 1,001 points
const BINS = 10;

export interface FeatureProfile {
  /** Non-missing training values. */
  count: number;
  /** Missing values (null, NaN) left out of everything else. */
  missing: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  /** Values at probabilities k/1000, k = 0..1000 (linear interpolation between order statistics). */
  quantiles: number[];
  /** Inner bin edges (the distinct deciles); bins are (-inf, e1], (e1, e2], ..., (ek, +inf). */
  bin_edges: number[];
  /** Training values in each bin (bin_edges.length + 1 of them). */
  bin_counts: number[];
}

export interface TrainingProfile {
  format: 'mlflow-ts-training-profile';
  version: 1;
  rows: number;
  features: Record<string, FeatureProfile>;
}

/** Training data: records, `{column: values}`, or a Frame. Columns that are not numeric are skipped. */
export type TrainingData = Record<string, unknown>[] | Record<string, ArrayLike<unknown>> | Frame;

function columnsOf(data: TrainingData): { rows: number; columns: Map<string, ArrayLike<unknown>> } {
  const columns = new Map<string, ArrayLike<unknown>>();
  if (Array.isArray(data)) {
    for (const rec of data) for (const k of Object.keys(rec)) if (!columns.has(k)) columns.set(k, []);
    for (const [k, col] of columns) for (const rec of data) (col as unknown[]).push(rec[k]);
    return { rows: data.length, columns };
  }
  if ((data as Frame).kind === 'frame' && Array.isArray((data as Frame).columns)) {
    const f = data as Frame;
    for (const [i, c] of f.columns.entries()) columns.set(c, f.values[i]!);
    return { rows: f.rows, columns };
  }
  let rows = 0;
  for (const [k, v] of Object.entries(data as Record<string, ArrayLike<unknown>>)) {
    columns.set(k, v);
    rows = Math.max(rows, v.length);
  }
  return { rows, columns };
}

/** Linear interpolation between order statistics (the usual "type 7" sample quantile). */
export function quantileOfSorted(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Index of the first element > x (sorted ascending). */
export function upperBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element ≥ x (sorted ascending). */
export function lowerBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Counts of sorted values in the bins (-inf, e1], (e1, e2], ..., (ek, +inf). */
export function binCounts(sorted: ArrayLike<number>, edges: readonly number[]): number[] {
  const counts: number[] = [];
  let prev = 0;
  for (const e of edges) {
    const at = upperBound(sorted, e);
    counts.push(at - prev);
    prev = at;
  }
  counts.push(sorted.length - prev);
  return counts;
}

export function profileFeature(values: ArrayLike<unknown>): FeatureProfile | null {
  const nums: number[] = [];
  let missing = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'number' && !Number.isNaN(v)) nums.push(v);
    else if (typeof v === 'boolean') nums.push(v ? 1 : 0);
    else if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) missing++;
    else return null; // text, lists...: not a numeric feature
  }
  if (nums.length === 0) return null;
  const sorted = Float64Array.from(nums).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const mean = sum / sorted.length;
  let sq = 0;
  for (const v of sorted) sq += (v - mean) ** 2;
  const quantiles = Array.from({ length: QUANTILES + 1 }, (_, k) => quantileOfSorted(sorted, k / QUANTILES));
  const deciles = Array.from({ length: BINS - 1 }, (_, k) => quantiles[((k + 1) * QUANTILES) / BINS]!);
  const edges = deciles.filter((e, i) => i === 0 || e !== deciles[i - 1]);
  return {
    count: sorted.length,
    missing,
    mean,
    std: sorted.length > 1 ? Math.sqrt(sq / (sorted.length - 1)) : 0,
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    quantiles,
    bin_edges: edges,
    bin_counts: binCounts(sorted, edges),
  };
}

export function buildTrainingProfile(data: TrainingData): TrainingProfile {
  const { rows, columns } = columnsOf(data);
  const features: Record<string, FeatureProfile> = {};
  for (const [name, values] of columns) {
    const f = profileFeature(values);
    if (f) features[name] = f;
  }
  if (Object.keys(features).length === 0) {
    throw new Error('training data has no numeric column to profile');
  }
  return { format: 'mlflow-ts-training-profile', version: 1, rows, features };
}

export async function writeTrainingProfile(dir: string, profile: TrainingProfile): Promise<void> {
  await writeFile(join(dir, PROFILE_FILE), `${JSON.stringify(profile)}\n`);
}

/** The model's profile, or null when it has none. A malformed file is an error, not silence. */
export async function readTrainingProfile(dir: string): Promise<TrainingProfile | null> {
  let text: string;
  try {
    text = await readFile(join(dir, PROFILE_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const p = JSON.parse(text) as TrainingProfile;
  if (p?.format !== 'mlflow-ts-training-profile' || p.version !== 1 || typeof p.features !== 'object') {
    throw new Error(`${join(dir, PROFILE_FILE)} is not a training profile this version reads`);
  }
  for (const [name, f] of Object.entries(p.features)) {
    const ok =
      Array.isArray(f.quantiles) &&
      f.quantiles.length >= 2 &&
      Array.isArray(f.bin_edges) &&
      Array.isArray(f.bin_counts) &&
      f.bin_counts.length === f.bin_edges.length + 1;
    if (!ok) throw new Error(`${join(dir, PROFILE_FILE)}: feature '${name}' is malformed`);
  }
  return p;
}
