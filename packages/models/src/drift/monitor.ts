/**
 * Drift monitoring in `models serve`: the last `window` values of every profiled feature that requests
 * carried, compared on demand with the training profile (stats.ts). A feature is drifting while its
 * KS p-value is below the p threshold or its PSI above the PSI threshold; the moment it starts is a
 * crossing, reported once (webhook, counter) until the feature is back under the threshold.
 *
 * Every evaluation is a new test on an overlapping window, so with many features and a p threshold of
 * 0.01 an occasional false crossing is expected over days of traffic: pick a smaller p or rely on PSI
 * when that matters.
 */
import type { ModelInput } from '../input/model-input.ts';
import type { FeatureProfile, TrainingProfile } from './profile.ts';
import { ksPValue, ksStatistic, psi } from './stats.ts';

export interface DriftThresholds {
  /** Drifting when the KS p-value is below this. */
  pValue: number | null;
  /** Drifting when the PSI is above this. */
  psi: number | null;
}

export interface DriftOptions {
  /** Values kept per feature (the most recent ones). */
  window: number;
  /** No statistic is computed before a feature has this many values. */
  minRows: number;
  thresholds: DriftThresholds;
}

export interface FeatureDrift {
  feature: string;
  window_rows: number;
  /** null until minRows values were seen. */
  ks_statistic: number | null;
  p_value: number | null;
  psi: number | null;
  drifting: boolean;
  /** Times this feature started drifting since the server started. */
  crossings: number;
}

export interface DriftEvent {
  model_version: string;
  feature: string;
  ks_statistic: number;
  p_value: number;
  psi: number;
  window_rows: number;
  thresholds: { p_value: number | null; psi: number | null };
}

/** A fixed-size window of the most recent values. */
class Ring {
  private readonly buf: Float64Array;
  private next = 0;
  size = 0;
  constructor(capacity: number) {
    this.buf = new Float64Array(capacity);
  }
  push(v: number) {
    this.buf[this.next] = v;
    this.next = (this.next + 1) % this.buf.length;
    if (this.size < this.buf.length) this.size++;
  }
  sorted(): Float64Array {
    return this.buf.slice(0, this.size).sort();
  }
}

interface FeatureState {
  profile: FeatureProfile;
  ring: Ring;
  drifting: boolean;
  crossings: number;
}

export class DriftMonitor {
  private readonly features = new Map<string, FeatureState>();

  constructor(
    readonly version: string,
    profile: TrainingProfile,
    private readonly options: DriftOptions,
  ) {
    for (const [name, f] of Object.entries(profile.features)) {
      this.features.set(name, { profile: f, ring: new Ring(options.window), drifting: false, crossings: 0 });
    }
  }

  /** Records the profiled columns of a frame input (missing values are left out, as in the profile). */
  observe(input: ModelInput): void {
    if (input.kind !== 'frame') return;
    input.columns.forEach((name, c) => {
      const state = this.features.get(name);
      if (!state) return;
      const col = input.values[c]!;
      // At most a window's worth: older values would be overwritten at once.
      const from = Math.max(0, input.rows - this.options.window);
      for (let r = from; r < input.rows; r++) {
        const v = col[r];
        if (typeof v === 'number' && !Number.isNaN(v)) state.ring.push(v);
        else if (typeof v === 'boolean') state.ring.push(v ? 1 : 0);
      }
    });
  }

  /** Current statistics of every feature, and the features that started drifting since last time. */
  evaluate(): { features: FeatureDrift[]; crossed: DriftEvent[] } {
    const { thresholds, minRows } = this.options;
    const features: FeatureDrift[] = [];
    const crossed: DriftEvent[] = [];
    for (const [name, s] of this.features) {
      if (s.ring.size < minRows) {
        features.push({
          feature: name,
          window_rows: s.ring.size,
          ks_statistic: null,
          p_value: null,
          psi: null,
          drifting: s.drifting,
          crossings: s.crossings,
        });
        continue;
      }
      const sorted = s.ring.sorted();
      const d = ksStatistic(sorted, s.profile.quantiles);
      const p = ksPValue(d, s.profile.count, sorted.length);
      const index = psi(sorted, s.profile);
      const drifting =
        (thresholds.pValue !== null && p < thresholds.pValue) ||
        (thresholds.psi !== null && index > thresholds.psi);
      if (drifting && !s.drifting) {
        s.crossings++;
        crossed.push({
          model_version: this.version,
          feature: name,
          ks_statistic: d,
          p_value: p,
          psi: index,
          window_rows: sorted.length,
          thresholds: { p_value: thresholds.pValue, psi: thresholds.psi },
        });
      }
      s.drifting = drifting;
      features.push({
        feature: name,
        window_rows: sorted.length,
        ks_statistic: d,
        p_value: p,
        psi: index,
        drifting,
        crossings: s.crossings,
      });
    }
    return { features, crossed };
  }
}
