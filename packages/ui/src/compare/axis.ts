/**
 * Axes for the scatter and parallel-coordinates plots. Params are strings on the wire: an axis is numeric
 * when every present value reads as a finite number, otherwise categorical (sorted distinct values,
 * evenly spaced). Positions are fractions in [0, 1]; null for a run that lacks the key.
 */

export interface Axis {
  kind: 'numeric' | 'categorical';
  position(v: string | number | undefined): number | null;
  ticks: { pos: number; label: string }[];
}

const asNumber = (v: string | number) =>
  typeof v === 'number' ? v : v.trim() === '' ? Number.NaN : Number(v);

function niceLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e5 || a < 1e-3 ? v.toExponential(1) : String(Number(v.toPrecision(3)));
}

export function makeAxis(values: readonly (string | number | undefined)[], tickCount = 5): Axis {
  const present = values.filter((v): v is string | number => v !== undefined);
  const numbers = present.map(asNumber);
  if (present.length > 0 && numbers.every(Number.isFinite)) {
    let lo = Math.min(...numbers);
    let hi = Math.max(...numbers);
    if (lo === hi) {
      // One value: centre it rather than divide by zero.
      lo -= 1;
      hi += 1;
    }
    const span = hi - lo;
    return {
      kind: 'numeric',
      position: (v) => (v === undefined || !Number.isFinite(asNumber(v)) ? null : (asNumber(v) - lo) / span),
      ticks: Array.from({ length: tickCount }, (_, i) => {
        const pos = i / (tickCount - 1);
        return { pos, label: niceLabel(lo + pos * span) };
      }),
    };
  }
  const categories = [...new Set(present.map(String))].sort((a, b) => a.localeCompare(b));
  const step = categories.length > 1 ? 1 / (categories.length - 1) : 0;
  const index = new Map(categories.map((c, i) => [c, categories.length > 1 ? i * step : 0.5]));
  return {
    kind: 'categorical',
    position: (v) => (v === undefined ? null : (index.get(String(v)) ?? null)),
    ticks: categories.map((c) => ({ pos: index.get(c)!, label: c })),
  };
}
