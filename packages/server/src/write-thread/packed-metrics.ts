import type { MetricInput } from '../store/tracking-store.ts';
import type { PackedMetrics } from './messages.ts';

/** A batch's metrics by column (see PackedMetrics). */
export function packMetrics(metrics: readonly MetricInput[]): PackedMetrics {
  const n = metrics.length;
  const keys: string[] = [];
  const index = new Map<string, number>();
  const packed: PackedMetrics = {
    keys,
    key: new Uint32Array(n),
    value: new Float64Array(n),
    timestamp: new Float64Array(n),
    step: new Float64Array(n),
  };
  let lastKey: string | undefined;
  let lastIndex = 0;
  for (let i = 0; i < n; i++) {
    const m = metrics[i]!;
    // Consecutive points mostly share their key: compare it before asking the map.
    if (m.key !== lastKey) {
      let k = index.get(m.key);
      if (k === undefined) {
        k = keys.length;
        keys.push(m.key);
        index.set(m.key, k);
      }
      lastKey = m.key;
      lastIndex = k;
    }
    packed.key[i] = lastIndex;
    packed.value[i] = m.value;
    packed.timestamp[i] = m.timestamp;
    packed.step[i] = m.step;
  }
  return packed;
}

export function unpackMetrics(packed: PackedMetrics): MetricInput[] {
  const n = packed.key.length;
  const out = new Array<MetricInput>(n);
  for (let i = 0; i < n; i++) {
    out[i] = {
      key: packed.keys[packed.key[i]!]!,
      value: packed.value[i]!,
      timestamp: packed.timestamp[i]!,
      step: packed.step[i]!,
    };
  }
  return out;
}

/** The buffers to transfer with a message. */
export function packedBuffers(packed: PackedMetrics): ArrayBuffer[] {
  return [
    packed.key.buffer,
    packed.value.buffer,
    packed.timestamp.buffer,
    packed.step.buffer,
  ] as ArrayBuffer[];
}
