// Replays one wire recording (test/fixtures/reference/wire/*.jsonl) through app.inject, top to bottom on a
// fresh server, and judges every exchange (README "Replaying"):
//   matched        status and body as recorded (varying pointers by shape, keyed arrays in any order)
//   known          listed in KNOWN_DIFFERENCES with what we answer instead, or a Flask HTML 404/405 page
//                  that we answer with MLflow's JSON error shape (deliberate: architecture §4)
//   unimplemented  a route of UNIMPLEMENTED_PREFIXES answering 404 ENDPOINT_NOT_FOUND, or a step that
//                  uses a value such a step would have produced
//   mismatch       anything else: the test fails
// Exchanges marked `concurrent` were sent in parallel by the client (directory downloads); their recorded
// order is one valid serialisation, so they are replayed in it.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Dialect } from './databases.ts';
import { compareJson, type Difference } from './replay-compare.ts';
import { type Exchange, getAt, parsePointer, showBody, truncate } from './replay-format.ts';
import {
  findKnownDifference,
  HTML_ERROR_PAGE,
  type KnownDifference,
  type OurAnswer,
  UNIMPLEMENTED_PREFIXES,
} from './replay-known-differences.ts';
import { buildRequest, type Substitution } from './replay-request.ts';

export interface OurResponse {
  status: number;
  contentType: string;
  text: string;
  raw: Buffer;
  /** Parsed body when we answered application/json. */
  json?: unknown;
}

export type OutcomeKind = 'matched' | 'known' | 'unimplemented' | 'mismatch';

export interface Outcome {
  seq: number;
  kind: OutcomeKind;
  known?: KnownDifference | { kind: 'deliberate'; reason: string };
  /** Set for mismatches and skips: what to show. */
  detail?: string;
  /** A KNOWN_DIFFERENCES entry whose step now matches the recording. */
  stale?: KnownDifference;
}

export interface ReplayOptions {
  file: string;
  dialect: Dialect;
  /** Other acceptable recordings of some steps (by seq), e.g. PostgreSQL's answer where it differs. */
  alternatives?: ReadonlyMap<number, Exchange>;
}

export interface ReplayReport {
  file: string;
  dialect: Dialect;
  outcomes: Outcome[];
  summary: string;
  mismatches: string;
}

/** Server-made ids in creation responses (README: the tracked server-made values). */
const CREATED_IDS = [
  '/response/body/experiment_id',
  '/response/body/run/info/run_id',
  '/response/body/run/info/run_uuid',
  '/response/body/model_version/version',
];

/** Members whose whole value may be a short server-made id. */
const ID_FIELDS = /^(experiment_id|experiment_ids|version)$/;

function readResponse(res: LightMyRequestResponse): OurResponse {
  const contentType = String(res.headers['content-type'] ?? '');
  const out: OurResponse = { status: res.statusCode, contentType, text: res.body, raw: res.rawPayload };
  if (contentType.startsWith('application/json')) {
    try {
      out.json = JSON.parse(res.body);
    } catch {}
  }
  return out;
}

/**
 * Recorded values → the values our server produced in their place, applied to recorded strings.
 * Long values (run ids, page tokens) are replaced wherever they appear as a whole token; short ones
 * (experiment ids, model versions) only as the whole value of an id field or where an id is printed
 * (`mlflow-artifacts:/3/…`, `experiment 3 must…`, `id=3`), so that "(1, 2)" in a message stays as it is.
 */
class ValueMap {
  private readonly map = new Map<string, string>();
  private long: RegExp | undefined;
  private short: RegExp | undefined;

  set(recorded: string, ours: string): void {
    if (recorded === ours || recorded === '') return;
    this.map.set(recorded, ours);
    const keys = [...this.map.keys()].sort((a, b) => b.length - a.length);
    const alternation = (list: string[]) =>
      list.map((k) => k.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|');
    const long = keys.filter((k) => k.length >= 8);
    const short = keys.filter((k) => k.length < 8);
    this.long = long.length
      ? new RegExp(`(?<![0-9A-Za-z])(?:${alternation(long)})(?![0-9A-Za-z])`, 'g')
      : undefined;
    this.short = short.length
      ? new RegExp(`(?<=mlflow-artifacts:/|[Ee]xperiment |id=)(?:${alternation(short)})(?![0-9A-Za-z])`, 'g')
      : undefined;
  }

  /** `field`: the name of the JSON member holding the value (for array items, the array's name). */
  translate = (value: string, field = ''): string => {
    const exact = this.map.get(value);
    if (exact !== undefined && (value.length >= 8 || ID_FIELDS.test(field))) return exact;
    let out = value;
    for (const pattern of [this.long, this.short]) {
      if (pattern) out = out.replace(pattern, (m) => this.map.get(m) ?? m);
    }
    return out;
  };
}

function bodyPatterns(ex: Exchange): string[][] {
  return (ex.varying ?? [])
    .filter((p) => p.startsWith('/response/body/'))
    .map((p) => parsePointer(p).slice(2));
}

/** Differences between a recorded response and ours; empty when they match. */
export function diffResponse(
  ex: Exchange,
  ours: OurResponse,
  translate: (s: string, field: string) => string,
): Difference[] {
  const rec = ex.response;
  const out: Difference[] = [];
  if (rec.status !== ours.status)
    out.push({ pointer: '(status)', expected: rec.status, actual: ours.status });
  switch (rec.body_encoding) {
    case 'json':
      if (ours.json === undefined) {
        out.push({
          pointer: '(body)',
          expected: 'a JSON body',
          actual: `${ours.contentType}: ${truncate(ours.text)}`,
        });
      } else {
        out.push(...compareJson(rec.body, ours.json, { varying: bodyPatterns(ex), translate }));
      }
      break;
    case 'text':
      // Artifact bytes are stored as uploaded, and uploads are replayed without id substitution (README
      // "Replaying"): a downloaded MLmodel carries the recorded run id, so the untranslated text counts too.
      if (translate(String(rec.body), '') !== ours.text && String(rec.body) !== ours.text)
        out.push({ pointer: '(body)', expected: rec.body, actual: ours.text });
      break;
    case 'base64':
      if (!Buffer.from(String(rec.body), 'base64').equals(ours.raw)) {
        out.push({
          pointer: '(body)',
          expected: '(recorded bytes)',
          actual: `${ours.raw.length} other bytes`,
        });
      }
      break;
    case 'empty':
      if (ours.text !== '') out.push({ pointer: '(body)', expected: '(no body)', actual: ours.text });
      break;
  }
  return out;
}

function answerMatches(
  expect: OurAnswer,
  ours: OurResponse,
  ex: Exchange,
  translate: (s: string, field: string) => string,
): boolean {
  if (expect.status !== ours.status) return false;
  const body = ours.json as { error_code?: unknown; message?: unknown } | undefined;
  if (expect.error_code !== undefined && body?.error_code !== expect.error_code) return false;
  if (expect.message !== undefined && !textMatches(expect.message, body?.message)) return false;
  if (expect.body && (ours.json === undefined || !expect.body(ours.json))) return false;
  if (expect.text !== undefined && !textMatches(expect.text, ours.text)) return false;
  if (expect.patchRecorded) {
    const patched = structuredClone(ex);
    expect.patchRecorded(patched.response.body);
    if (diffResponse(patched, ours, translate).length > 0) return false;
  }
  return true;
}

function textMatches(expect: string | RegExp, actual: unknown): boolean {
  if (typeof actual !== 'string') return false;
  return typeof expect === 'string' ? actual === expect : expect.test(actual);
}

function isJsonError(ours: OurResponse, code?: string): boolean {
  const body = ours.json as { error_code?: unknown; message?: unknown } | undefined;
  return (
    typeof body?.error_code === 'string' &&
    typeof body.message === 'string' &&
    (code === undefined || body.error_code === code)
  );
}

function isUnimplemented(path: string, ours: OurResponse): boolean {
  return (
    UNIMPLEMENTED_PREFIXES.some((p) => path.startsWith(p)) &&
    ours.status === 404 &&
    isJsonError(ours, 'ENDPOINT_NOT_FOUND')
  );
}

const show = (v: unknown) => (v === undefined ? '(absent)' : truncate(JSON.stringify(v), 300));

/** For long strings, where they start to differ, with some context on both sides. */
function showStrings(expected: string, actual: string): string {
  let i = 0;
  while (i < expected.length && i < actual.length && expected[i] === actual[i]) i++;
  const from = Math.max(0, i - 40);
  const cut = (s: string) =>
    `${from > 0 ? '…' : ''}${JSON.stringify(s.slice(from, i + 60))}${s.length > i + 60 ? '…' : ''}`;
  return `expected ${cut(expected)}, got ${cut(actual)} (first difference at character ${i}; lengths ${expected.length} and ${actual.length})`;
}

function formatDifferences(diffs: readonly Difference[]): string {
  const line = (d: Difference) => {
    const what =
      typeof d.expected === 'string' &&
      typeof d.actual === 'string' &&
      d.expected.length + d.actual.length > 160
        ? showStrings(d.expected, d.actual)
        : `expected ${show(d.expected)}, got ${show(d.actual)}`;
    return `      ${d.pointer}: ${what}${d.note ? ` [${d.note}]` : ''}`;
  };
  const lines = diffs.slice(0, 12).map(line);
  if (diffs.length > 12) lines.push(`      … ${diffs.length - 12} more`);
  return lines.join('\n');
}

export async function replayExchanges(
  app: FastifyInstance,
  exchanges: readonly Exchange[],
  options: ReplayOptions,
): Promise<ReplayReport> {
  const { file, dialect } = options;
  // Which (seq, pointer) values later lines reuse, plus the ids every creation returns: read from our
  // responses as they arrive. The ids also rewrite recorded responses, so that an id our server numbers
  // differently (PostgreSQL sequences skip a number after a failed insert) is compared as the same id.
  const producers = new Map<number, Set<string>>();
  for (const ex of exchanges) {
    producers.set(ex.seq, new Set(CREATED_IDS));
  }
  for (const ex of exchanges) {
    for (const d of ex.depends_on ?? []) producers.get(d.from_seq)?.add(d.from);
  }
  const produced = new Map<string, unknown>();
  const values = new ValueMap();
  const skipped = new Set<number>();
  const outcomes: Outcome[] = [];
  const failures: string[] = [];

  for (const ex of exchanges) {
    const blocker = (ex.depends_on ?? []).find((d) => skipped.has(d.from_seq));
    if (blocker) {
      skipped.add(ex.seq);
      outcomes.push({
        seq: ex.seq,
        kind: 'unimplemented',
        detail: `uses the output of skipped step ${blocker.from_seq}`,
      });
      continue;
    }
    const subs: Substitution[] = (ex.depends_on ?? []).map((dep) => {
      const key = `${dep.from_seq} ${dep.from}`;
      return { dep, ours: produced.has(key) ? produced.get(key) : dep.value };
    });
    const built = buildRequest(ex.request, subs);
    const ours = readResponse(await app.inject(built.inject));

    for (const pointer of producers.get(ex.seq) ?? []) {
      const segments = parsePointer(pointer);
      if (segments[0] !== 'response' || segments[1] !== 'body') continue;
      const value = getAt(ours.json, segments.slice(2));
      if (value === undefined) continue;
      produced.set(`${ex.seq} ${pointer}`, value);
      const recorded = getAt(ex, segments);
      if (typeof recorded === 'string' && typeof value === 'string') values.set(recorded, value);
    }

    const known = findKnownDifference(file, ex.seq, dialect);
    const candidates = [
      ex,
      ...(options.alternatives?.has(ex.seq) ? [options.alternatives.get(ex.seq)!] : []),
    ];
    const diffs = candidates.map((c) => diffResponse(c, ours, values.translate));
    if (diffs.some((d) => d.length === 0)) {
      outcomes.push({ seq: ex.seq, kind: 'matched', ...(known ? { stale: known } : {}) });
      continue;
    }
    if (isUnimplemented(ex.request.path, ours)) {
      skipped.add(ex.seq);
      outcomes.push({ seq: ex.seq, kind: 'unimplemented', detail: 'route not implemented' });
      continue;
    }
    if (known && answerMatches(known.ours, ours, ex, values.translate)) {
      outcomes.push({ seq: ex.seq, kind: 'known', known });
      continue;
    }
    const rec = ex.response;
    if (
      !known &&
      (rec.status === 404 || rec.status === 405) &&
      String(rec.content_type).startsWith('text/html') &&
      ours.status === rec.status &&
      isJsonError(ours, rec.status === 404 ? 'ENDPOINT_NOT_FOUND' : undefined)
    ) {
      outcomes.push({ seq: ex.seq, kind: 'known', known: HTML_ERROR_PAGE });
      continue;
    }
    outcomes.push({ seq: ex.seq, kind: 'mismatch' });
    failures.push(
      [
        `  seq ${ex.seq} "${ex.scenario}" [${file}, ${dialect}]`,
        `    request:  ${ex.request.method} ${truncate(built.url, 300)}${
          ex.request.content_type ? ` (${ex.request.content_type})` : ''
        } ${showBody(built.body, ex.request.body_encoding, 300)}`,
        `    expected: ${rec.status} ${showBody(rec.body, rec.body_encoding)}`,
        `    got:      ${ours.status} ${truncate(ours.text, 400)}`,
        ...(known
          ? [`    (in KNOWN_DIFFERENCES: "${known.reason}"; but our answer is not the one listed there)`]
          : []),
        formatDifferences(diffs[0]!),
      ].join('\n'),
    );
  }

  return {
    file,
    dialect,
    outcomes,
    summary: summarize(file, dialect, outcomes),
    mismatches: failures.join('\n\n'),
  };
}

function summarize(file: string, dialect: Dialect, outcomes: readonly Outcome[]): string {
  const count = (pred: (o: Outcome) => boolean) => outcomes.filter(pred).length;
  const known = outcomes.filter((o) => o.kind === 'known');
  const bugs = known.filter((o) => o.known?.kind === 'bug').length;
  const skipped = count((o) => o.kind === 'unimplemented');
  const dependents = count((o) => o.kind === 'unimplemented' && Boolean(o.detail?.startsWith('uses')));
  const stale = outcomes.filter((o) => o.stale).map((o) => o.seq);
  return (
    `${file} [${dialect}]: ${outcomes.length} exchanges: ${count((o) => o.kind === 'matched')} matched, ` +
    `${known.length} known differences (${known.length - bugs} deliberate, ${bugs} bugs), ` +
    `${skipped} skipped as not implemented${dependents ? ` (${dependents} of them use a skipped step's output)` : ''}, ` +
    `${count((o) => o.kind === 'mismatch')} mismatches` +
    (stale.length
      ? `; stale KNOWN_DIFFERENCES entries (now matching, remove them): seq ${stale.join(', ')}`
      : '')
  );
}
