/**
 * All drift monitors of a serving process, one per model version that has a training profile; the
 * scoring app feeds it each accepted input, `/drift` and `/metrics` read it, and a timer checks for
 * crossings between reads so a webhook fires without anyone polling.
 */
import type { ModelInput } from '../input/model-input.ts';
import { type DriftEvent, DriftMonitor, type DriftOptions, type FeatureDrift } from './monitor.ts';
import type { TrainingProfile } from './profile.ts';
import { type DriftWebhookOptions, sendDriftEvent } from './webhook.ts';

export interface DriftHubOptions extends DriftOptions {
  /** How often crossings are checked in the background (0: only when /drift or /metrics is read). */
  intervalMs: number;
  webhook: DriftWebhookOptions | null;
  /** Told of every crossing (the CLI logs it). */
  onCrossing?: (event: DriftEvent) => void;
}

export interface DriftReport {
  thresholds: { p_value: number | null; psi: number | null };
  window: number;
  min_rows: number;
  models: { model_version: string; features: FeatureDrift[] }[];
}

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export class DriftHub {
  private readonly monitors = new Map<string, DriftMonitor>();
  private timer: NodeJS.Timeout | null = null;
  /** Webhook deliveries in flight (tests and shutdown wait for them). */
  readonly sending = new Set<Promise<unknown>>();

  constructor(private readonly options: DriftHubOptions) {}

  /** Starts monitoring a version (no-op without a profile or when already monitored). */
  track(version: string, profile: TrainingProfile | null): DriftMonitor | null {
    if (!profile) return null;
    let m = this.monitors.get(version);
    if (!m) {
      m = new DriftMonitor(version, profile, this.options);
      this.monitors.set(version, m);
    }
    return m;
  }

  observe(version: string, profile: TrainingProfile | null, input: ModelInput): void {
    this.track(version, profile)?.observe(input);
  }

  /** Evaluates every monitor, fires the crossings, and returns the statistics. */
  report(): DriftReport {
    const models: DriftReport['models'] = [];
    for (const m of this.monitors.values()) {
      const { features, crossed } = m.evaluate();
      for (const event of crossed) this.fire(event);
      models.push({ model_version: m.version, features });
    }
    const t = this.options.thresholds;
    return {
      thresholds: { p_value: t.pValue, psi: t.psi },
      window: this.options.window,
      min_rows: this.options.minRows,
      models,
    };
  }

  private fire(event: DriftEvent): void {
    this.options.onCrossing?.(event);
    if (!this.options.webhook) return;
    const p = sendDriftEvent(this.options.webhook, event).finally(() => this.sending.delete(p));
    this.sending.add(p);
  }

  /** Prometheus lines for /metrics (evaluates, so a scrape can also be what notices a crossing). */
  metricLines(): string[] {
    const report = this.report();
    const out: string[] = [];
    const gauge = (name: string, help: string, value: (f: FeatureDrift) => number | null, type = 'gauge') => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const m of report.models) {
        for (const f of m.features) {
          const v = value(f);
          if (v === null) continue;
          out.push(
            `${name}{model_version="${escapeLabel(m.model_version)}",feature="${escapeLabel(f.feature)}"} ${v}`,
          );
        }
      }
    };
    gauge('mlflow_ts_drift_window_rows', 'Values in the drift window of each feature.', (f) => f.window_rows);
    gauge(
      'mlflow_ts_drift_ks_statistic',
      'KS statistic of the window against the training profile.',
      (f) => f.ks_statistic,
    );
    gauge(
      'mlflow_ts_drift_p_value',
      'KS p-value of the window against the training profile.',
      (f) => f.p_value,
    );
    gauge('mlflow_ts_drift_psi', 'Population stability index of the window (decile bins).', (f) => f.psi);
    gauge('mlflow_ts_drift_detected', '1 while the feature crosses the drift threshold.', (f) =>
      f.drifting ? 1 : 0,
    );
    gauge(
      'mlflow_ts_drift_crossings_total',
      'Times the feature started drifting.',
      (f) => f.crossings,
      'counter',
    );
    return out;
  }

  start(): void {
    if (this.options.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => this.report(), this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.sending]);
  }
}
