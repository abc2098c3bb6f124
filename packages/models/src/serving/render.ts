/**
 * The response bodies of one inference call, built where the call ran. A merged call scored the rows of
 * several requests; `parts` says how many rows each one sent, in order, so each gets its own body.
 * Built on the inference thread and sent back as UTF-8 bytes (transferred, not cloned): cloning 1,000
 * per-row prediction lists back to the HTTP thread and formatting them there was most of that thread's
 * time on a 1,000-row request (issue 4 profile, bench/RESULTS.md).
 */
import { ModelError } from '../errors.ts';
import type { Prediction } from '../flavors/loaded-model.ts';
import { responseBody } from '../output/format-predictions.ts';
import { slicePrediction } from './merge-frames.ts';

export interface Part {
  /** Rows the request contributed (1 for a non-frame input). */
  rows: number;
  /** A unified-LLM request: the raw output, not `{"predictions": ...}`. */
  unwrapped: boolean;
}

const encoder = new TextEncoder();

/** One body per part, or the error that part's slice of the output raised. */
export function renderParts(prediction: Prediction, parts: readonly Part[]): (Uint8Array | ModelError)[] {
  if (parts.length === 1) return [encoder.encode(responseBody(prediction, parts[0]!.unwrapped))];
  const total = parts.reduce((n, p) => n + p.rows, 0);
  const out: (Uint8Array | ModelError)[] = [];
  let at = 0;
  for (const part of parts) {
    try {
      const slice = slicePrediction(prediction, at, at + part.rows, total);
      out.push(encoder.encode(responseBody(slice, part.unwrapped)));
    } catch (err) {
      out.push(
        err instanceof ModelError ? err : new ModelError('INTERNAL_ERROR', String((err as Error).message)),
      );
    }
    at += part.rows;
  }
  return out;
}
