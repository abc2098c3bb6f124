/**
 * The drift statistics against samples with known distributions (seeded, so runs repeat). Bounds are
 * set from the sampling distributions and noted per test: a correct implementation fails a bound with
 * probability well under 0.1 %.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DriftMonitor } from './monitor.ts';
import { buildTrainingProfile } from './profile.ts';
import { rng } from './seeded-random.ts';
import { ksPValue, ksStatistic, psi } from './stats.ts';

const N_TRAIN = 20_000;
const r0 = rng(1);
const training = {
  x: Float64Array.from({ length: N_TRAIN }, () => r0.normal()),
  // A discrete feature: 0..4 with probabilities .1 .2 .4 .2 .1.
  k: Array.from({ length: N_TRAIN }, () => {
    const u = r0.uniform();
    return u < 0.1 ? 0 : u < 0.3 ? 1 : u < 0.7 ? 2 : u < 0.9 ? 3 : 4;
  }),
};
const profile = buildTrainingProfile(training);

const sample = (n: number, seed: number, draw: (r: ReturnType<typeof rng>) => number) => {
  const r = rng(seed);
  return Float64Array.from({ length: n }, () => draw(r)).sort();
};

describe('drift statistics', () => {
  it('profiles numeric columns: 1,001 quantiles, decile bins with their training counts', () => {
    const x = profile.features.x!;
    assert.equal(x.quantiles.length, 1001);
    assert.equal(x.count, N_TRAIN);
    assert.equal(x.bin_edges.length, 9);
    assert.equal(
      x.bin_counts.reduce((a, b) => a + b, 0),
      N_TRAIN,
    );
    assert.ok(Math.abs(x.mean) < 0.05 && Math.abs(x.std - 1) < 0.05);
    // Repeated deciles collapse: five values give at most four inner edges.
    assert.ok(profile.features.k!.bin_edges.length <= 4);
    assert.throws(() => buildTrainingProfile([{ s: 'text' }]), /no numeric column/);
  });

  it('a sample from the training distribution is not flagged', () => {
    const w = sample(2000, 7, (r) => r.normal());
    const d = ksStatistic(w, profile.features.x!.quantiles);
    const p = ksPValue(d, N_TRAIN, w.length);
    // Under no drift p is uniform: P(p < 0.001) = 0.1 %. E[PSI] ≈ 9·(1/2000 + 1/20000) ≈ 0.005.
    assert.ok(p > 0.001, `p = ${p}, D = ${d}`);
    assert.ok(psi(w, profile.features.x!) < 0.05);
  });

  it('a sample shifted by a quarter of a standard deviation is flagged', () => {
    const w = sample(2000, 8, (r) => r.normal() + 0.25);
    const d = ksStatistic(w, profile.features.x!.quantiles);
    // True D = Φ(0.125) − Φ(−0.125) ≈ 0.0995, sampling sd ≈ 0.011: D > 0.07 is a ~3σ margin, and
    // D = 0.07 already gives λ ≈ 3.0, p ≈ 2·e^−18 ≈ 3e−8.
    assert.ok(d > 0.07, `D = ${d}`);
    assert.ok(ksPValue(d, N_TRAIN, w.length) < 1e-6);
    // Shifting by 0.25 sd moves ~10 % of mass between neighbouring deciles: PSI ≈ 0.06.
    assert.ok(psi(w, profile.features.x!) > 0.03);
    assert.ok(
      psi(
        sample(2000, 9, (r) => r.normal() + 1),
        profile.features.x!,
      ) > 0.5,
    );
  });

  it('p-values are calibrated: about 5 % of no-drift windows fall under 0.05', () => {
    let below = 0;
    const trials = 400;
    for (let t = 0; t < trials; t++) {
      const w = sample(300, 1000 + t, (r) => r.normal());
      if (ksPValue(ksStatistic(w, profile.features.x!.quantiles), N_TRAIN, 300) < 0.05) below++;
    }
    // Binomial(400, 0.05): mean 20, sd 4.4; [6, 36] is ±3.7 sd.
    assert.ok(below >= 6 && below <= 36, `${below} of ${trials} below 0.05`);
  });

  it('a discrete feature: same frequencies pass, changed frequencies are flagged', () => {
    const draw = (cut: number[]) => (r: ReturnType<typeof rng>) => {
      const u = r.uniform();
      return cut.findIndex((c) => u < c);
    };
    const same = sample(2000, 11, draw([0.1, 0.3, 0.7, 0.9, 1]));
    const moved = sample(2000, 12, draw([0.05, 0.2, 0.55, 0.85, 1]));
    const q = profile.features.k!.quantiles;
    // Ties make KS conservative, so "same" is safe at 0.001; "moved" has true D = 0.15.
    assert.ok(ksPValue(ksStatistic(same, q), N_TRAIN, 2000) > 0.001);
    assert.ok(ksPValue(ksStatistic(moved, q), N_TRAIN, 2000) < 1e-6);
  });

  it('the monitor reports a crossing once, and again only after recovering', () => {
    const m = new DriftMonitor('1', profile, {
      window: 2000,
      minRows: 500,
      thresholds: { pValue: 0.001, psi: null },
    });
    const feed = (seed: number, shift: number) => {
      const r = rng(seed);
      const x = Float64Array.from({ length: 2000 }, () => r.normal() + shift);
      m.observe({ kind: 'frame', columns: ['x'], values: [x], rows: 2000 });
    };
    m.observe({ kind: 'frame', columns: ['x'], values: [new Float64Array(10)], rows: 10 });
    assert.equal(m.evaluate().features.find((f) => f.feature === 'x')!.p_value, null); // under minRows
    feed(21, 0);
    assert.deepEqual(m.evaluate().crossed, []);
    feed(22, 0.5);
    const first = m.evaluate();
    assert.equal(first.crossed.length, 1);
    assert.equal(first.crossed[0]!.feature, 'x');
    assert.deepEqual(m.evaluate().crossed, []); // still drifting: no second event
    feed(23, 0);
    assert.deepEqual(m.evaluate().crossed, []);
    feed(24, -0.5);
    const again = m.evaluate();
    assert.equal(again.crossed.length, 1);
    assert.equal(again.features.find((f) => f.feature === 'x')!.crossings, 2);
  });
});
