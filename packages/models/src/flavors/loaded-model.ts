/** What every flavor gives back: one `predict(input, params)` whatever the model is (spec §5, pyfunc). */
import type { MLmodel } from '../format/mlmodel.ts';
import type { Frame, ModelInput, Params, RawInput, Tensor, TensorDict } from '../input/model-input.ts';

/** A frame → records; a tensor → nested lists; a dict of tensors → {name: nested lists}; raw → as is. */
export type Prediction = Frame | Tensor | TensorDict | RawInput;

export interface LoadedModel {
  readonly flavor: string;
  readonly dir: string;
  readonly metadata: MLmodel;
  /**
   * Rows are scored independently, so the server may merge concurrent requests' frames into one call
   * and split the output by rows.
   */
  readonly batchable: boolean;
  predict(input: ModelInput, params: Params | null): Promise<Prediction>;
  close(): Promise<void>;
}
