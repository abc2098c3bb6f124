/**
 * ModelInput → onnxruntime feeds, the way MLflow's onnx flavor maps them: a frame feeds a single input as
 * one (rows, columns) matrix, or several inputs one column each by name; a tensor feeds the single input;
 * a dict feeds inputs by name. Values are cast to each input's element type (MLflow casts float64 to
 * float32; we cast to whatever the graph declares).
 */
import type * as ort from 'onnxruntime-node';
import { invalidParameter } from '../errors.ts';
import type { Column, Frame, ModelInput, Tensor, TypedArray } from '../input/model-input.ts';
import { pyShape, typedArrayFor } from '../input/tensor.ts';

export interface OnnxInputInfo {
  name: string;
  type: string; // float32, int64, ...
  shape: (number | string)[];
}

const ORT_TO_NUMPY: Record<string, string> = { float32: 'float32', float64: 'float64', bool: 'bool' };

function numpyFor(ortType: string): string {
  return ORT_TO_NUMPY[ortType] ?? ortType;
}

export function castInto(
  target: TypedArray | unknown[],
  source: ArrayLike<unknown>,
  offset: number,
  stride: number,
) {
  const big = target instanceof BigInt64Array || target instanceof BigUint64Array;
  for (let i = 0; i < source.length; i++) {
    const v = source[i];
    const j = offset + i * stride;
    if (big) (target as BigInt64Array)[j] = typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v)));
    else if (Array.isArray(target)) target[j] = v;
    else (target as Float64Array)[j] = typeof v === 'boolean' ? (v ? 1 : 0) : Number(v);
  }
}

function checkFixedDims(info: OnnxInputInfo, dims: number[]) {
  const ok =
    info.shape.length === dims.length &&
    info.shape.every((d, i) => typeof d !== 'number' || d < 0 || d === dims[i]);
  if (!ok) {
    throw invalidParameter(
      `ONNX input '${info.name}' expects shape ${pyShape(info.shape.map((d) => (typeof d === 'number' ? d : -1)))}, ` +
        `got ${pyShape(dims)}.`,
    );
  }
}

function tensorOf(ortMod: typeof ort, info: OnnxInputInfo, data: TypedArray | unknown[], dims: number[]) {
  checkFixedDims(info, dims);
  return new ortMod.Tensor(info.type as 'float32', data as Float32Array, dims);
}

function fromFrameMatrix(ortMod: typeof ort, info: OnnxInputInfo, frame: Frame): ort.Tensor {
  const cols = frame.values.length;
  const data = typedArrayFor(numpyFor(info.type), frame.rows * cols);
  frame.values.forEach((col: Column, c) => {
    castInto(data, col as ArrayLike<unknown>, c, cols);
  });
  return tensorOf(ortMod, info, data, [frame.rows, cols]);
}

function fromTensor(ortMod: typeof ort, info: OnnxInputInfo, t: Tensor): ort.Tensor {
  let data = t.data;
  if (numpyFor(info.type) !== t.dtype) {
    data = typedArrayFor(numpyFor(info.type), t.data.length);
    castInto(data, t.data as ArrayLike<unknown>, 0, 1);
  }
  return tensorOf(ortMod, info, data, t.dims);
}

export function buildFeeds(
  ortMod: typeof ort,
  inputs: readonly OnnxInputInfo[],
  input: ModelInput,
): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  const names = inputs.map((i) => `'${i.name}'`).join(', ');
  switch (input.kind) {
    case 'frame': {
      if (inputs.length === 1) {
        feeds[inputs[0]!.name] = fromFrameMatrix(ortMod, inputs[0]!, input);
        break;
      }
      const index = new Map(input.columns.map((c, i) => [c, i]));
      const missing = inputs.filter((i) => !index.has(i.name)).map((i) => `'${i.name}'`);
      if (missing.length) throw invalidParameter(`Model is missing inputs [${missing.join(', ')}].`);
      for (const info of inputs) {
        const col = input.values[index.get(info.name)!]!;
        const dims = info.shape.length === 2 ? [input.rows, 1] : [input.rows];
        const data = typedArrayFor(numpyFor(info.type), input.rows);
        castInto(data, col as ArrayLike<unknown>, 0, 1);
        feeds[info.name] = tensorOf(ortMod, info, data, dims);
      }
      break;
    }
    case 'tensor':
      if (inputs.length !== 1) {
        throw invalidParameter(
          `Unable to map a single array to the model's ${inputs.length} inputs [${names}]: send a dict or a frame.`,
        );
      }
      feeds[inputs[0]!.name] = fromTensor(ortMod, inputs[0]!, input);
      break;
    case 'tensors': {
      const single = inputs.length === 1 && Object.keys(input.tensors).length === 1;
      for (const info of inputs) {
        const t = input.tensors[info.name] ?? (single ? Object.values(input.tensors)[0] : undefined);
        if (!t) throw invalidParameter(`Model is missing inputs ['${info.name}'] (ONNX inputs: [${names}]).`);
        feeds[info.name] = fromTensor(ortMod, info, t);
      }
      break;
    }
    default:
      throw invalidParameter(
        `ONNX models take tabular or tensor input (inputs: [${names}]), not a free-form value.`,
      );
  }
  return feeds;
}
