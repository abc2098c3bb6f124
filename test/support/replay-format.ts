// The line format of the wire recordings (test/fixtures/reference/wire/README: one exchange per line,
// recorded between MLflow 2.9.2's Python client and server) and JSON-pointer helpers used by the replay.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WIRE_DIR = fileURLToPath(new URL('../fixtures/reference/wire/', import.meta.url));

export type BodyEncoding = 'json' | 'text' | 'base64' | 'empty';

export interface WireRequest {
  method: string;
  /** Raw path as sent, still percent-encoded. */
  path: string;
  query: Record<string, string[]>;
  query_string: string;
  content_type: string | null;
  body: unknown;
  body_encoding: BodyEncoding;
}

export interface WireResponse {
  status: number;
  content_type: string | null;
  body: unknown;
  body_encoding: BodyEncoding;
}

export interface Dependency {
  value: unknown;
  from_seq: number;
  /** Pointer into the producing line, e.g. `/response/body/run/info/run_uuid`. */
  from: string;
  /** Pointer into this line's request: `/request/path`, `/request/query/<key>/<i>`, `/request/body/...`. */
  to: string;
  embedded?: boolean;
}

export interface Exchange {
  seq: number;
  scenario: string;
  via: string;
  request: WireRequest;
  response: WireResponse;
  concurrent?: boolean;
  depends_on?: Dependency[];
  /** Pointers (array indices as `*`) whose values differed between two recordings. */
  varying?: string[];
  differs_from_sqlite?: boolean;
}

export function loadRecording(file: string): Exchange[] {
  const text = readFileSync(join(WIRE_DIR, file), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Exchange);
}

// ------------------------------------------------------------------------------------------ pointers

export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`bad JSON pointer ${pointer}`);
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function formatPointer(segments: readonly string[]): string {
  return segments.map((s) => `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === 'object' && value !== null;
}

export function getAt(root: unknown, segments: readonly string[]): unknown {
  let node: unknown = root;
  for (const s of segments) {
    if (!isContainer(node)) return undefined;
    node = Array.isArray(node) ? node[Number(s)] : node[s];
  }
  return node;
}

/** Sets the value at an existing location (the parent must exist). */
export function setAt(root: unknown, segments: readonly string[], value: unknown): void {
  if (segments.length === 0) throw new Error('cannot set the root');
  const parent = getAt(root, segments.slice(0, -1));
  const last = segments[segments.length - 1]!;
  if (!isContainer(parent)) throw new Error(`no parent at ${formatPointer(segments)}`);
  if (Array.isArray(parent)) parent[Number(last)] = value;
  else parent[last] = value;
}

/** Does a recorded pointer pattern (`*` = any array index) cover this location (or an ancestor of it)? */
export function patternCovers(pattern: readonly string[], path: readonly string[]): boolean {
  if (pattern.length > path.length) return false;
  return pattern.every((p, i) => p === path[i] || (p === '*' && /^\d+$/.test(path[i]!)));
}

// ------------------------------------------------------------------------------------------ display

export function truncate(text: string, max = 400): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}

export function showBody(body: unknown, encoding: BodyEncoding | 'none', max = 400): string {
  if (encoding === 'empty' || body === undefined || body === null) return '(no body)';
  if (encoding === 'base64') return `(binary, ${String(body).length} base64 chars)`;
  return truncate(JSON.stringify(body), max);
}
