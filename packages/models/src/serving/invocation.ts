/**
 * One /invocations request, independent of the HTTP framework: media type checks (spec §6.1), JSON or
 * CSV parsing (§6.2, §6.3), schema and params enforcement (§6.5), scoring, and the response text (§6.4).
 */
import { ModelError } from '../errors.ts';
import { pythonJson } from '../format/python-json.ts';
import { parseCsv } from '../input/csv.ts';
import { enforceParams } from '../input/enforce-params.ts';
import { fastSplitFrame } from '../input/fast-split.ts';
import type { ModelInput, Params } from '../input/model-input.ts';
import { parseJsonRequest, parseJsonText } from '../input/parse-request.ts';
import { prepareInput } from '../input/prepare-input.ts';
import type { Scorer } from './scorer.ts';

export interface InvocationResult {
  status: number;
  contentType: string;
  /** Text for errors; the UTF-8 bytes the inference thread built for predictions. */
  body: string | Uint8Array;
  /** Error code when status ≥ 400 and the body is an MLflow error. */
  errorCode?: string;
  rows?: number;
}

const JSON_TYPE = 'application/json';

function unsupported(contentType: string): InvocationResult {
  return {
    status: 415,
    contentType: 'text/plain; charset=utf-8',
    body: `This predictor only supports the following content types: Types: ['text/csv', 'application/json']. Got '${contentType}'.`,
    errorCode: 'UNSUPPORTED_MEDIA_TYPE',
  };
}

/** 'application/json; charset=utf-8' → 'json'; anything else MLflow refuses → null. */
function mediaKind(contentType: string): 'json' | 'csv' | null {
  const [type, ...params] = contentType.split(';').map((p) => p.trim().toLowerCase());
  for (const p of params) {
    const [k, v] = p.split('=').map((x) => x.trim());
    if (k !== 'charset' || (v !== 'utf-8' && v !== 'utf8')) return null;
  }
  return type === 'application/json' ? 'json' : type === 'text/csv' ? 'csv' : null;
}

export function errorResult(err: unknown): InvocationResult {
  const e =
    err instanceof ModelError
      ? err
      : new ModelError(
          'BAD_REQUEST',
          `Encountered an unexpected error while evaluating the model: ${String((err as Error)?.message ?? err)}`,
          {
            stackTrace: (err as Error)?.stack ?? String(err),
          },
        );
  // Python's separators, as MLflow's error bodies are written.
  return { status: e.status, contentType: JSON_TYPE, body: pythonJson(e.toJSON()), errorCode: e.code };
}

export interface PreparedRequest {
  input: ModelInput;
  params: Params | null;
  unwrapped: boolean;
}

/** A request body → the model's typed input and params; throws a ModelError (400) for bad input. */
export function prepareRequest(scorer: Scorer, kind: 'json' | 'csv', body: string): PreparedRequest {
  const signature = scorer.metadata.signature;
  if (kind === 'json' && !signature?.params) {
    const frame = fastSplitFrame(body, signature?.inputs ?? null);
    if (frame) return { input: frame, params: null, unwrapped: false };
  }
  const paramNames = new Set((signature?.params ?? []).map((p) => p.name));
  const request =
    kind === 'csv'
      ? { data: parseCsv(body), params: null, unwrapped: false }
      : parseJsonRequest(parseJsonText(body), paramNames);
  const input = prepareInput(request.data, signature?.inputs ?? null);
  const params = enforceParams(request.params, signature?.params ?? null);
  return { input, params, unwrapped: request.unwrapped };
}

export async function invoke(
  scorer: Scorer,
  contentType: string | undefined,
  body: string,
  /** Sees each accepted input before it is scored (its numeric columns move to the inference thread). */
  onInput?: (input: ModelInput) => void,
): Promise<InvocationResult> {
  // MLflow answers a missing Content-Type with a 500 HTML page; a 415 says what to send instead.
  const kind = mediaKind(contentType ?? '');
  if (!kind) return unsupported(contentType ?? '');
  try {
    const { input, params, unwrapped } = prepareRequest(scorer, kind, body);
    const rows = input.kind === 'frame' ? input.rows : 1;
    onInput?.(input);
    const bytes = await scorer.score(input, params, unwrapped);
    return { status: 200, contentType: JSON_TYPE, body: bytes, rows };
  } catch (err) {
    return errorResult(err);
  }
}
