// Builds the request to send for one recorded exchange: the recorded method, raw path and raw query
// string, content-type header and body, with `depends_on` values swapped for the ones our server produced
// (README "Replaying": run ids, experiment ids, page tokens, model versions, URIs).
import type { InjectOptions } from 'fastify';
import { type Dependency, getAt, parsePointer, setAt, type WireRequest } from './replay-format.ts';

export interface Substitution {
  dep: Dependency;
  /** The value at `dep.from` in our response to line `dep.from_seq`. */
  ours: unknown;
}

export interface BuiltRequest {
  inject: InjectOptions;
  /** Path + query string actually sent. */
  url: string;
  /** The body actually sent (after substitution), for messages. */
  body: unknown;
}

const decodeQueryPart = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
const encodeQueryPart = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');

/**
 * Rewrites the `index`-th value of `key` in a raw query string; every other element keeps its raw bytes
 * (odd forms such as `key[]=` or elements without `=` are part of what is being tested).
 */
export function rewriteQuery(raw: string, key: string, index: number, fn: (value: string) => string): string {
  let seen = -1;
  return raw
    .split('&')
    .map((piece) => {
      const eq = piece.indexOf('=');
      if (eq < 0 || decodeQueryPart(piece.slice(0, eq)) !== key) return piece;
      seen += 1;
      if (seen !== index) return piece;
      return piece.slice(0, eq + 1) + encodeQueryPart(fn(decodeQueryPart(piece.slice(eq + 1))));
    })
    .join('&');
}

function replaceIn(text: string, from: string, to: string): string {
  return from === '' ? text : text.split(from).join(to);
}

/** The new value for a substituted location: the whole value, or the recorded value inside a longer string. */
function substituted(current: unknown, sub: Substitution): unknown {
  const from = String(sub.dep.value);
  const to = String(sub.ours);
  if (sub.dep.embedded) return typeof current === 'string' ? replaceIn(current, from, to) : current;
  // Keep the recorded JSON type: numeric experiment ids stay numbers (spec §0.2 legacy ids).
  if (typeof current === 'number' && /^-?\d+$/.test(to)) return Number(to);
  return sub.ours;
}

export function buildRequest(req: WireRequest, subs: readonly Substitution[]): BuiltRequest {
  let path = req.path;
  let queryString = req.query_string;
  // The body under a `body` member, so that `/request/body/...` pointers (minus `/request`) address it.
  const root: { body: unknown } = {
    body: req.body_encoding === 'json' ? structuredClone(req.body) : req.body,
  };
  for (const sub of subs) {
    const to = parsePointer(sub.dep.to);
    if (to[0] !== 'request') throw new Error(`depends_on target outside the request: ${sub.dep.to}`);
    const where = to[1];
    if (where === 'path') {
      path = replaceIn(path, String(sub.dep.value), String(sub.ours));
    } else if (where === 'query') {
      const [key, index] = [to[2]!, Number(to[3] ?? 0)];
      queryString = rewriteQuery(queryString, key, index, (v) => String(substituted(v, sub)));
    } else if (where === 'body') {
      const segments = to.slice(1);
      if (segments.length === 1) root.body = substituted(root.body, sub);
      else setAt(root, segments, substituted(getAt(root, segments), sub));
    } else {
      throw new Error(`unsupported depends_on target ${sub.dep.to}`);
    }
  }
  const url = queryString ? `${path}?${queryString}` : path;
  const headers: Record<string, string> = {};
  if (req.content_type !== null) headers['content-type'] = req.content_type;
  let payload: string | Buffer | undefined;
  if (req.body_encoding === 'json') payload = JSON.stringify(root.body);
  else if (req.body_encoding === 'text') payload = String(root.body);
  else if (req.body_encoding === 'base64') payload = Buffer.from(String(root.body), 'base64');
  const inject: InjectOptions = { method: req.method as InjectOptions['method'], url, headers };
  if (payload !== undefined) inject.payload = payload;
  return { inject, url, body: root.body };
}
