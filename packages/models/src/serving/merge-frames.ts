/**
 * Micro-batching support: concatenate the frames of several requests into one, and cut the model's
 * output back into per-request pieces by row counts.
 */
import { ModelError } from '../errors.ts';
import type { Prediction } from '../flavors/loaded-model.ts';
import type { Column, Frame, Tensor } from '../input/model-input.ts';

function concatColumn(parts: Column[], total: number): Column {
  const first = parts[0]!;
  const ctor = first.constructor as Float64ArrayConstructor;
  if (!Array.isArray(first) && parts.every((p) => p.constructor === ctor)) {
    const out = new ctor(total);
    let at = 0;
    for (const p of parts) {
      out.set(p as Float64Array, at);
      at += p.length;
    }
    return out;
  }
  const out: unknown[] = [];
  for (const p of parts) for (let i = 0; i < p.length; i++) out.push(p[i]);
  return out;
}

/** Frames with the same columns (callers group by column list) → one frame. */
export function mergeFrames(frames: Frame[]): Frame {
  if (frames.length === 1) return frames[0]!;
  const rows = frames.reduce((n, f) => n + f.rows, 0);
  const values = frames[0]!.columns.map((_, c) =>
    concatColumn(
      frames.map((f) => f.values[c]!),
      rows,
    ),
  );
  return { kind: 'frame', columns: frames[0]!.columns, values, rows };
}

function sliceColumn(col: Column, from: number, to: number): Column {
  return Array.isArray(col) ? col.slice(from, to) : col.slice(from, to);
}

function sliceTensor(t: Tensor, from: number, to: number, total: number): Tensor {
  if (t.dims[0] !== total) {
    throw new ModelError('INTERNAL_ERROR', `Batched output has ${t.dims[0]} rows for ${total} input rows.`);
  }
  const stride = t.data.length / total;
  return { ...t, dims: [to - from, ...t.dims.slice(1)], data: t.data.slice(from * stride, to * stride) };
}

/** The rows [from, to) of a prediction made for `total` rows. */
export function slicePrediction(p: Prediction, from: number, to: number, total: number): Prediction {
  switch (p.kind) {
    case 'frame':
      return { ...p, rows: to - from, values: p.values.map((c) => sliceColumn(c, from, to)) };
    case 'tensor':
      return sliceTensor(p, from, to, total);
    case 'tensors': {
      const tensors: Record<string, Tensor> = {};
      for (const [k, t] of Object.entries(p.tensors)) tensors[k] = sliceTensor(t, from, to, total);
      return { kind: 'tensors', tensors };
    }
    default:
      if (Array.isArray(p.value) && p.value.length === total)
        return { kind: 'raw', value: p.value.slice(from, to) };
      throw new ModelError(
        'INTERNAL_ERROR',
        'A batchable model must return one prediction per input row (an array, typed array, frame or tensor).',
      );
  }
}
