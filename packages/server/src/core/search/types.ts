/**
 * The validated search AST (spec §4). Every clause is one comparison; a filter is the AND of its
 * clauses. The shapes are discriminated unions so a SQL compiler can switch on `type`, then on
 * `comparator`/`key`, without re-validating anything:
 *
 * - String comparisons (`=`, `!=`, `LIKE`, `ILIKE`) are case-sensitive except ILIKE (§4.0).
 * - A clause on a missing param/tag/metric never matches, `!=` included (§4.0), except the
 *   prompt tag (see `splitPromptFilter` in registry-filter.ts).
 * - List comparisons (`IN`, `NOT IN`) carry a `string[]` that may be EMPTY (MLflow drops
 *   non-lower-case run ids, §4.1); `IN ()` matches nothing and `NOT IN ()` matches everything.
 * - Values are raw: quotes are removed but escapes are not interpreted (MLflow does the same).
 */

export type NumericComparator = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type StringComparator = '=' | '!=' | 'LIKE' | 'ILIKE';
export type ListComparator = 'IN' | 'NOT IN';

/** `params.<key>` / `tags.<key>` (runs, experiments, registry): quoted string values only. */
export interface ParamClause {
  readonly type: 'param';
  readonly key: string;
  readonly comparator: StringComparator;
  readonly value: string;
}

export interface TagClause {
  readonly type: 'tag';
  readonly key: string;
  readonly comparator: StringComparator;
  readonly value: string;
}

// ---------------------------------------------------------------------------------------------
// Runs (§4.1)

/** Latest metric value (max by step, timestamp, value — §3.3) compared with a number. */
export interface MetricClause {
  readonly type: 'metric';
  readonly key: string;
  readonly comparator: NumericComparator;
  readonly value: number;
}

/** `run_name` is matched against the `mlflow.runName` tag (MLflow's SQL store does so, §4.1). */
export type RunStringAttributeKey = 'run_id' | 'run_name' | 'status' | 'user_id' | 'artifact_uri';
export type RunNumericAttributeKey = 'start_time' | 'end_time';
export type RunAttributeKey = RunStringAttributeKey | RunNumericAttributeKey;

export interface RunStringAttributeClause {
  readonly type: 'attribute';
  readonly key: RunStringAttributeKey;
  readonly comparator: StringComparator;
  readonly value: string;
}

/** Only `run_id` takes a list; non-lower-case ids were already dropped (may be empty). */
export interface RunIdListClause {
  readonly type: 'attribute';
  readonly key: 'run_id';
  readonly comparator: ListComparator;
  readonly value: string[];
}

/** Milliseconds since the epoch; `created`/`Created` were normalised to `start_time`. */
export interface RunNumericAttributeClause {
  readonly type: 'attribute';
  readonly key: RunNumericAttributeKey;
  readonly comparator: NumericComparator;
  readonly value: number;
}

export type RunAttributeClause = RunStringAttributeClause | RunIdListClause | RunNumericAttributeClause;

/** `context` is the dataset input tag `mlflow.data.context`; `name`/`digest` are dataset columns. */
export type DatasetKey = 'name' | 'digest' | 'context';

export interface DatasetStringClause {
  readonly type: 'dataset';
  readonly key: DatasetKey;
  readonly comparator: StringComparator;
  readonly value: string;
}

export interface DatasetListClause {
  readonly type: 'dataset';
  readonly key: DatasetKey;
  readonly comparator: ListComparator;
  readonly value: string[];
}

export type DatasetClause = DatasetStringClause | DatasetListClause;

export type RunClause = MetricClause | ParamClause | TagClause | RunAttributeClause | DatasetClause;

// ---------------------------------------------------------------------------------------------
// Experiments (§4.2)

export interface ExperimentNameClause {
  readonly type: 'attribute';
  readonly key: 'name';
  readonly comparator: StringComparator;
  readonly value: string;
}

export interface ExperimentTimeClause {
  readonly type: 'attribute';
  readonly key: 'creation_time' | 'last_update_time';
  readonly comparator: NumericComparator;
  readonly value: number;
}

export type ExperimentClause = ExperimentNameClause | ExperimentTimeClause | TagClause;

// ---------------------------------------------------------------------------------------------
// Registered models (§4.3) and model versions (§4.4)

export interface RegisteredModelNameClause {
  readonly type: 'attribute';
  readonly key: 'name';
  readonly comparator: StringComparator;
  readonly value: string;
}

export type RegisteredModelClause = RegisteredModelNameClause | TagClause;

/** `source_path` compares the version's `source` column. */
export interface ModelVersionStringClause {
  readonly type: 'attribute';
  readonly key: 'name' | 'run_id' | 'source_path';
  readonly comparator: StringComparator;
  readonly value: string;
}

/** Only `run_id IN (…)` (no NOT IN for model versions); non-lower-case ids dropped, may be empty. */
export interface ModelVersionRunIdListClause {
  readonly type: 'attribute';
  readonly key: 'run_id';
  readonly comparator: 'IN';
  readonly value: string[];
}

/** The `version` column; the value is truncated to an integer like MLflow's `int(value)`. */
export interface ModelVersionNumberClause {
  readonly type: 'attribute';
  readonly key: 'version_number';
  readonly comparator: NumericComparator;
  readonly value: number;
}

export type ModelVersionClause =
  | ModelVersionStringClause
  | ModelVersionRunIdListClause
  | ModelVersionNumberClause
  | TagClause;

// ---------------------------------------------------------------------------------------------
// order_by keys. Parsers return only what the caller asked for; the endpoint tiebreaks (§4.1–§4.4)
// are the compiler's job.

/**
 * Runs: rows lacking the key sort last in both directions; for metrics NaN sorts after values but
 * before missing. Tiebreak: `start_time DESC` unless present, then `run_id ASC` (§4.1).
 */
export type RunOrderKey =
  | { readonly type: 'attribute'; readonly key: RunAttributeKey; readonly ascending: boolean }
  | { readonly type: 'metric' | 'param' | 'tag'; readonly key: string; readonly ascending: boolean };

/** Default `creation_time DESC, experiment_id ASC`; else `experiment_id DESC` appended unless present (§4.2). */
export interface ExperimentOrderKey {
  readonly type: 'attribute';
  readonly key: 'name' | 'experiment_id' | 'creation_time' | 'last_update_time';
  readonly ascending: boolean;
}

/** `timestamp` is normalised to `last_updated_timestamp`. Tiebreak `name ASC` unless present (§4.3). */
export interface RegisteredModelOrderKey {
  readonly type: 'attribute';
  readonly key: 'name' | 'last_updated_timestamp';
  readonly ascending: boolean;
}

/**
 * Default `last_updated_timestamp DESC, name ASC, version_number DESC`; otherwise `name ASC` and
 * `version_number DESC` appended when absent (§4.4).
 */
export interface ModelVersionOrderKey {
  readonly type: 'attribute';
  readonly key: 'name' | 'version_number' | 'creation_timestamp' | 'last_updated_timestamp';
  readonly ascending: boolean;
}
