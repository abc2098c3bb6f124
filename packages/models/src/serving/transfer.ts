/** Buffers that can move (not copy) to another thread: typed arrays that own their whole buffer. */
import type { Prediction } from '../flavors/loaded-model.ts';
import type { ModelInput, Tensor } from '../input/model-input.ts';

export function transferables(value: ModelInput | Prediction): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const add = (a: unknown) => {
    if (
      ArrayBuffer.isView(a) &&
      a.buffer instanceof ArrayBuffer &&
      a.byteOffset === 0 &&
      a.byteLength === a.buffer.byteLength
    ) {
      out.add(a.buffer);
    }
  };
  const addTensor = (t: Tensor) => add(t.data);
  switch (value.kind) {
    case 'frame':
      value.values.forEach(add);
      break;
    case 'tensor':
      addTensor(value);
      break;
    case 'tensors':
      Object.values(value.tensors).forEach(addTensor);
      break;
  }
  return [...out];
}
