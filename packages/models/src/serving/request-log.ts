/**
 * Structured request logs of /invocations: one JSON line per request (through the app's pino logger)
 * with what answered and how it went, and, for a sampled fraction of requests, the request and
 * response bodies (cut to a size), so what the model saw can be replayed without logging every payload.
 * Off by default: at 10k+ requests a second, a line per request is a cost the operator opts into.
 */

export interface RequestLogOptions {
  /** A line for every request (else only for sampled payloads). */
  all: boolean;
  /** Fraction of requests, 0..1, whose bodies are logged (--log-payloads). */
  payloadRate: number;
  /** Bytes kept of each body; longer ones are cut and marked. */
  payloadBytes: number;
  /** Uniform [0, 1) source for the sampling (tests pass a fixed one). */
  random: () => number;
}

export interface RequestFacts {
  requestId: string;
  modelVersion: string;
  alias?: string;
  status: number;
  errorCode?: string;
  rows?: number;
  seconds: number;
  contentType: string | undefined;
}

const decoder = new TextDecoder();

function cut(body: string | Uint8Array, max: number): { text: string; bytes: number; truncated: boolean } {
  const bytes = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  if (typeof body === 'string') {
    const text = bytes <= max ? body : Buffer.from(body).subarray(0, max).toString('utf8');
    return { text, bytes, truncated: bytes > max };
  }
  // A cut through a multi-byte character decodes to U+FFFD: fine for a log.
  return { text: decoder.decode(body.subarray(0, max)), bytes, truncated: bytes > max };
}

/** The log record of one request, or null when it is not to be logged. */
export function requestLogRecord(
  options: RequestLogOptions,
  facts: RequestFacts,
  requestBody: string,
  responseBody: string | Uint8Array,
): Record<string, unknown> | null {
  const sampled = options.payloadRate > 0 && options.random() < options.payloadRate;
  if (!options.all && !sampled) return null;
  const record: Record<string, unknown> = {
    request_id: facts.requestId,
    model_version: facts.modelVersion,
    status: facts.status,
    duration_ms: Math.round(facts.seconds * 1e6) / 1000,
  };
  if (facts.alias) record.alias = facts.alias;
  if (facts.rows !== undefined) record.rows = facts.rows;
  if (facts.errorCode) record.error_code = facts.errorCode;
  if (sampled) {
    const req = cut(requestBody, options.payloadBytes);
    const res = cut(responseBody, options.payloadBytes);
    record.payload = {
      content_type: facts.contentType ?? null,
      request: req.text,
      request_bytes: req.bytes,
      response: res.text,
      response_bytes: res.bytes,
      truncated: req.truncated || res.truncated,
    };
  }
  return record;
}
