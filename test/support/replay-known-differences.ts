// Where our answers differ from the recordings of MLflow 2.9.2 on purpose (kind 'deliberate') or because
// of a server bug not fixed yet (kind 'bug'). Each entry also says what we answer instead, and the replay
// checks that answer: a step listed here that changes to anything else still fails. When a listed step
// starts to match the recording, the replay summary names it as stale so that the entry can be deleted.
// One rule covers many steps and is not listed per step: HTML_ERROR_PAGE below.
import type { Dialect } from './databases.ts';

export type DifferenceKind = 'bug' | 'deliberate';

export interface OurAnswer {
  status: number;
  /** For JSON error bodies. */
  error_code?: string;
  /** Exact text, or a pattern, of our error message. */
  message?: string | RegExp;
  /** A check of our parsed JSON body (for 200 answers); returns true when the body is as expected. */
  body?: (body: unknown) => boolean;
  /** Exact text, or a pattern, of a non-JSON body. */
  text?: string | RegExp;
  /** Our body is the recorded one after this change (compared by the usual replay rules). */
  patchRecorded?: (recordedBody: unknown) => void;
}

export interface KnownDifference {
  /** Recording file(s) the step belongs to. */
  files: readonly string[];
  seq: number;
  /** Only on these dialects (default: all). */
  dialects?: readonly Dialect[];
  kind: DifferenceKind;
  reason: string;
  ours: OurAnswer;
}

/**
 * Recorded Flask HTML 404/405 pages (unknown route, wrong method): we answer MLflow's JSON error shape with
 * the same status instead (architecture §4); a 404 must be ENDPOINT_NOT_FOUND. Deliberate.
 */
export const HTML_ERROR_PAGE = {
  kind: 'deliberate' as const,
  reason: 'MLflow answers unknown routes/methods with a Flask HTML page; we answer its JSON error shape',
};

const ERRORS = ['errors.jsonl', 'errors-postgresql.jsonl'] as const;
const USER_ERROR_500 =
  'MLflow answers 500 to a user error; we answer 4xx (spec §0.4, §13.4: 500 makes the client retry)';
const DRIVER_ERROR =
  'MLflow passes a raw SQLAlchemy/driver error through; we name the problem (architecture §4)';
const invalid = (message?: string | RegExp): OurAnswer => ({
  status: 400,
  error_code: 'INVALID_PARAMETER_VALUE',
  ...(message === undefined ? {} : { message }),
});

// biome-ignore lint/suspicious/noExplicitAny: patches of recorded JSON bodies
type Body = any;
/** errors.jsonl seq 54 and 56 are rejected here, so run `err-run` keeps its name and has no 251-char metric. */
const withoutSeq54And56 = (run: Body) => {
  run.info.run_name = 'err-run';
  run.data.tags = [{ key: 'mlflow.runName', value: 'err-run' }];
  delete run.data.metrics;
};

export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  // --------------------------------------------------------------------------- deliberate divergences
  {
    files: ERRORS,
    seq: 36,
    kind: 'deliberate',
    reason: `${USER_ERROR_500}: bad comparator in an experiments/search filter`,
    ours: invalid(),
  },
  {
    files: ['tracking-experiments.jsonl'],
    seq: 22,
    kind: 'deliberate',
    reason: `${USER_ERROR_500}: renaming a deleted experiment (MLflow: 500 INVALID_STATE)`,
    ours: invalid(/^Cannot rename a non-active experiment\./),
  },
  {
    files: ERRORS,
    seq: 91,
    kind: 'deliberate',
    reason: `${USER_ERROR_500}: a JSON array as the request body (MLflow: Flask HTML 500 page)`,
    ours: { status: 400, error_code: 'BAD_REQUEST', message: 'The request body must be a JSON object.' },
  },
  {
    files: ERRORS,
    seq: 95,
    kind: 'deliberate',
    reason:
      'MLflow answers 500 to max_results sent as a JSON string ("10"); we accept numeric strings for integer ' +
      'fields as proto-JSON does (spec §0.2) and answer 200',
    ours: { status: 200, body: (b: Body) => Array.isArray(b.runs) },
  },
  {
    files: ERRORS,
    seq: 104,
    kind: 'deliberate',
    reason:
      "MLflow answers 500 to a query element without '=' (the reference's stand-in query parser); we read it " +
      'as an empty key, ignore it and answer 200',
    ours: { status: 200, body: (b: Body) => b.experiment?.experiment_id === '0' },
  },
  {
    files: ERRORS,
    seq: 84,
    kind: 'deliberate',
    reason:
      'MLflow 2.9.2 no longer routes /api/2.0/preview/mlflow; we serve it for 1.x clients (architecture §2)',
    ours: { status: 200, body: (b: Body) => b.experiment?.name === 'Default' },
  },
  {
    files: ERRORS,
    seq: 35,
    kind: 'deliberate',
    reason:
      'negative max_results: MLflow answers 200 on SQLite (LIMIT -1 = no limit) and 400 BAD_REQUEST with a ' +
      'driver error on PostgreSQL; we answer 400 INVALID_PARAMETER_VALUE on both',
    ours: invalid(/^Invalid value -1 for parameter 'max_results' supplied/),
  },
  {
    files: ERRORS,
    seq: 54,
    kind: 'deliberate',
    reason:
      'metric key of 251 characters: MLflow accepts it on SQLite (no VARCHAR check) and answers 400 BAD_REQUEST ' +
      'with a driver error on PostgreSQL; we enforce the 250 limit on both (spec §3.1)',
    ours: invalid(/^Metric key 'm{250}' had length 251, which exceeded length limit of 250$/),
  },
  {
    files: ERRORS,
    seq: 56,
    kind: 'deliberate',
    reason:
      'run name of 300 characters via runs/update: accepted by MLflow on SQLite, a driver error (400 BAD_REQUEST) ' +
      'on PostgreSQL; we enforce the 250 limit on both',
    ours: invalid(/^Run name 'n{300}' had length 300, which exceeded length limit of 250/),
  },
  {
    files: ['errors.jsonl'],
    seq: 64,
    dialects: ['sqlite'],
    kind: 'deliberate',
    reason: 'consequence of seq 56: the run kept its name',
    ours: {
      status: 200,
      patchRecorded: (b: Body) => {
        b.run_info.run_name = 'err-run';
      },
    },
  },
  {
    files: ['errors.jsonl'],
    seq: 94,
    dialects: ['sqlite'],
    kind: 'deliberate',
    reason: 'consequence of seq 54 and 56: no 251-character metric, the run kept its name',
    ours: { status: 200, patchRecorded: (b: Body) => withoutSeq54And56(b.runs[0]) },
  },
  {
    files: ['errors.jsonl'],
    seq: 102,
    dialects: ['sqlite'],
    kind: 'deliberate',
    reason: 'consequence of seq 54 and 56: no 251-character metric, the run kept its name',
    ours: { status: 200, patchRecorded: (b: Body) => withoutSeq54And56(b.run) },
  },
  {
    files: ERRORS,
    seq: 93,
    kind: 'deliberate',
    reason: `runs/create without experiment_id: ${DRIVER_ERROR} (MLflow: 400 BAD_REQUEST, a foreign-key error)`,
    ours: invalid(
      "Missing value for required parameter 'experiment_id'. See the API docs for more information about request parameters.",
    ),
  },
  {
    files: ['errors-postgresql.jsonl'],
    seq: 6,
    kind: 'deliberate',
    reason:
      `experiments/get?experiment_id=abc on PostgreSQL: ${DRIVER_ERROR} (MLflow: 400 BAD_REQUEST, invalid ` +
      "integer syntax); we answer as MLflow does on SQLite: 404 'No Experiment with id=abc exists'",
    ours: { status: 404, error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'No Experiment with id=abc exists' },
  },
  {
    files: ['tracking-experiments.jsonl'],
    seq: 16,
    kind: 'deliberate',
    reason: `renaming to a taken name: ${DRIVER_ERROR} (MLflow: 400 BAD_REQUEST with the UNIQUE error; we: 400 RESOURCE_ALREADY_EXISTS)`,
    ours: {
      status: 400,
      error_code: 'RESOURCE_ALREADY_EXISTS',
      message: 'Experiment(name=gr-exp-gamma) already exists.',
    },
  },
  {
    files: ['tracking-experiments.jsonl'],
    seq: 63,
    kind: 'deliberate',
    reason: 'experiments/search without max_results: MLflow answers 400; we default to 1000 (spec §13.14)',
    ours: { status: 200, body: (b: Body) => Array.isArray(b.experiments) },
  },
  {
    files: ['tracking-runs.jsonl'],
    seq: 37,
    kind: 'deliberate',
    reason:
      'get-history honours max_results and pages with next_page_token (architecture §3: no unbounded reads); ' +
      'MLflow returns every point in one page. The Python client follows the token',
    ours: {
      status: 200,
      body: (b: Body) => b.metrics?.length === 2 && typeof b.next_page_token === 'string',
    },
  },
  {
    files: ['artifacts.jsonl'],
    seq: 48,
    kind: 'deliberate',
    reason:
      `${USER_ERROR_500}: downloading a missing artifact (MLflow: 500 INTERNAL_ERROR naming the server's ` +
      'local path); we answer 404 RESOURCE_DOES_NOT_EXIST as spec §1.5 recommends',
    ours: {
      status: 404,
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: /^No artifact at '1\/[0-9a-f]{32}\/artifacts\/missing\.txt'\.$/,
    },
  },
  {
    files: ['artifacts.jsonl'],
    seq: 49,
    kind: 'deliberate',
    reason: `${USER_ERROR_500}: downloading a directory as a file (MLflow: Flask HTML 500 page)`,
    ours: invalid(/^'1\/[0-9a-f]{32}\/artifacts\/tree' is a directory, not a file\.$/),
  },
  {
    files: ['misc-endpoints.jsonl'],
    seq: 8,
    kind: 'deliberate',
    reason: "GET /: our own placeholder page instead of MLflow's 'UI not built' text",
    ours: { status: 200, text: /<title>mlflow-ts<\/title>/ },
  },
];

/**
 * Routes this server does not implement yet (none today; the list stays for new recordings). A step on one of them is
 * reported as "not implemented" when the server answers 404 ENDPOINT_NOT_FOUND, and so are the steps that
 * use its output. Once a route is implemented its steps are compared like any other, so this list can
 * only shrink the skips, never hide a wrong answer.
 */
export const UNIMPLEMENTED_PREFIXES: readonly string[] = ['/model-versions/get-artifact'];

export function findKnownDifference(
  file: string,
  seq: number,
  dialect: Dialect,
): KnownDifference | undefined {
  return KNOWN_DIFFERENCES.find(
    (d) => d.files.includes(file) && d.seq === seq && (!d.dialects || d.dialects.includes(dialect)),
  );
}
