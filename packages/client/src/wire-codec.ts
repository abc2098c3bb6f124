/**
 * Encoding rules of the MLflow wire (spec §0.2, §0.3, §0.5) that JSON.stringify and URLSearchParams do
 * not follow on their own: non-finite doubles travel as strings, GET fields become repeated query keys.
 */
import type {
  WireDouble,
  Metric as WireMetric,
  MetricWithRunId as WireMetricWithRunId,
  Run as WireRun,
} from '@mlflow-ts/protocol';
import type { Metric, MetricWithRunId, Run } from './entities.ts';

/** NaN/±Infinity → "NaN"/"Infinity"/"-Infinity" (what the Python client sends; JSON has no literal for them). */
export function encodeDouble(value: number): WireDouble {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  return value;
}

/** The inverse of encodeDouble; numeric strings are tolerated because proto-JSON allows them. */
export function decodeDouble(value: WireDouble | string): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return Number(value);
}

/**
 * JSON body text. Only doubles can be non-finite (int64 fields never are), so replacing every non-finite
 * number is safe and spares each call site from knowing which fields are doubles.
 */
export function encodeJsonBody(request: object): string {
  return JSON.stringify(request, (_key, v: unknown) =>
    typeof v === 'number' && !Number.isFinite(v) ? encodeDouble(v) : v,
  );
}

/** A number as plain decimal digits: `String(1e21)` would give exponent notation, which int64 parsing rejects. */
function decimal(n: number): string {
  if (!Number.isFinite(n)) return String(encodeDouble(n));
  return Number.isInteger(n) ? BigInt(n).toString() : String(n);
}

function scalar(v: unknown): string {
  if (typeof v === 'number') return decimal(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  throw new TypeError(
    `cannot encode ${typeof v} as a query parameter (GET fields must be scalars, spec §0.2)`,
  );
}

/**
 * GET fields as the Python client sends them (spec §0.5): arrays as repeated keys (`?a=1&a=2`, never `a[]`),
 * numbers as decimals, undefined/null omitted. Nested messages cannot be expressed and are rejected.
 */
export function encodeQuery(request: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(request)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      for (const item of value) if (item !== undefined && item !== null) params.append(key, scalar(item));
    } else {
      params.append(key, scalar(value));
    }
  }
  return params.toString();
}

export function decodeMetric(m: WireMetric): Metric {
  return { ...m, value: decodeDouble(m.value) };
}

export function decodeMetricWithRunId(m: WireMetricWithRunId): MetricWithRunId {
  return { ...m, value: decodeDouble(m.value) };
}

/** Fills the sub-messages the server omits when empty, and decodes the latest-metric values. */
export function decodeRun(run: WireRun): Run {
  const { metrics, ...rest } = run.data ?? {};
  return {
    ...run,
    data: metrics ? { ...rest, metrics: metrics.map(decodeMetric) } : rest,
    inputs: run.inputs ?? {},
  };
}
