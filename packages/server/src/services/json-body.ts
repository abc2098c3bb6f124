/**
 * Response bodies a service may return instead of a plain object, when it already holds the JSON text
 * (built by the database, or by a read thread): the HTTP layer sends the text as it is.
 */

/** The streamed form of a response: the JSON text arrives in pieces. */
export interface StreamedJson {
  readonly stream: AsyncIterable<string | Uint8Array>;
}

/** A whole response body that is already JSON text. */
export class JsonText {
  constructor(readonly text: string | Uint8Array) {}
}

export function isStreamedJson(result: unknown): result is StreamedJson {
  return (
    typeof result === 'object' &&
    result !== null &&
    'stream' in result &&
    typeof (result as { stream: unknown }).stream === 'object'
  );
}
