/**
 * Prometheus metrics in the text exposition format (version 0.0.4), written here because the set is
 * small: request counts by status, errors, a latency histogram, batch sizes and rows scored, each
 * labelled with the model version that answered.
 */

const LATENCY_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096, 16384];

class Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;
  constructor(readonly buckets: number[]) {
    this.counts = new Array(buckets.length).fill(0);
  }
  observe(v: number) {
    this.sum += v;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++) if (v <= this.buckets[i]!) this.counts[i]!++;
  }
}

function histogramFor(series: Map<string, Histogram>, version: string, buckets: number[]): Histogram {
  let h = series.get(version);
  if (!h) {
    h = new Histogram(buckets);
    series.set(version, h);
  }
  return h;
}

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export class ScoringMetrics {
  private readonly requests = new Map<string, number>(); // "version\0status\0role"
  private readonly errors = new Map<string, number>(); // "version\0code"
  private readonly latency = new Map<string, Histogram>();
  private readonly batches = new Map<string, Histogram>();
  private readonly rows = new Map<string, number>();

  /** More lines to expose (the drift monitor's gauges). */
  extra: (() => string[]) | null = null;

  /** Current alias → version routes of a rollout, rendered as an info gauge. */
  routes: (() => { alias: string; version: string; weight: number; role: string }[]) | null = null;

  /** `role` is 'shadow' for scoring whose answer was not returned (latency is kept for answers only). */
  request(version: string, status: number, seconds: number, role: 'answer' | 'shadow' = 'answer'): void {
    const key = `${version}\u0000${status}\u0000${role}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    if (role === 'answer') histogramFor(this.latency, version, LATENCY_BUCKETS).observe(seconds);
  }

  error(version: string, code: string): void {
    const key = `${version}\u0000${code}`;
    this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
  }

  batch(version: string, rows: number): void {
    histogramFor(this.batches, version, BATCH_BUCKETS).observe(rows);
    this.rows.set(version, (this.rows.get(version) ?? 0) + rows);
  }

  render(): string {
    const out: string[] = [];
    out.push('# HELP mlflow_ts_requests_total Scoring requests by model version and HTTP status.');
    out.push('# TYPE mlflow_ts_requests_total counter');
    for (const [key, n] of this.requests) {
      const [version, status, role] = key.split('\u0000');
      out.push(
        `mlflow_ts_requests_total{model_version="${escapeLabel(version!)}",status="${status}",role="${role}"} ${n}`,
      );
    }
    if (this.routes) {
      out.push('# HELP mlflow_ts_route_info Alias routes of a rollout: the version each alias serves now.');
      out.push('# TYPE mlflow_ts_route_info gauge');
      for (const r of this.routes()) {
        out.push(
          `mlflow_ts_route_info{alias="${escapeLabel(r.alias)}",model_version="${escapeLabel(r.version)}",role="${r.role}",weight="${r.weight}"} 1`,
        );
      }
    }
    out.push('# HELP mlflow_ts_errors_total Failed scoring requests by error code.');
    out.push('# TYPE mlflow_ts_errors_total counter');
    for (const [key, n] of this.errors) {
      const [version, code] = key.split('\u0000');
      out.push(
        `mlflow_ts_errors_total{model_version="${escapeLabel(version!)}",error_code="${escapeLabel(code!)}"} ${n}`,
      );
    }
    out.push('# HELP mlflow_ts_rows_total Rows scored.');
    out.push('# TYPE mlflow_ts_rows_total counter');
    for (const [version, n] of this.rows)
      out.push(`mlflow_ts_rows_total{model_version="${escapeLabel(version)}"} ${n}`);
    histogram(out, 'mlflow_ts_request_duration_seconds', 'Time from request to response.', this.latency);
    histogram(out, 'mlflow_ts_batch_rows', 'Rows per inference call (after micro-batching).', this.batches);
    if (this.extra) out.push(...this.extra());
    return `${out.join('\n')}\n`;
  }
}

function histogram(out: string[], name: string, help: string, series: Map<string, Histogram>) {
  out.push(`# HELP ${name} ${help}`);
  out.push(`# TYPE ${name} histogram`);
  for (const [version, h] of series) {
    const v = `model_version="${escapeLabel(version)}"`;
    h.buckets.forEach((b, i) => {
      out.push(`${name}_bucket{${v},le="${b}"} ${h.counts[i]}`);
    });
    out.push(`${name}_bucket{${v},le="+Inf"} ${h.count}`);
    out.push(`${name}_sum{${v}} ${h.sum}`);
    out.push(`${name}_count{${v}} ${h.count}`);
  }
}
