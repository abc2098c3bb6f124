import { randomUUID } from 'node:crypto';
import type { KeyValue, Run, RunInfo, RunStatus } from '@mlflow-ts/protocol';
import { MAX_FINITE_DOUBLE } from '@mlflow-ts/protocol';
import { type Compilable, CompiledQuery, sql } from 'kysely';
import { MlflowError } from '../../core/mlflow-error.ts';
import { ParamConflictError } from '../../core/param-conflict.ts';
import { randomRunName } from '../../core/run-names.ts';
import type { MetricInput } from '../tracking-store.ts';
import { appendToUri } from './artifact-location.ts';
import type { MetricRow, SqlDialect, Trx } from './dialect.ts';
import { parseExperimentId } from './experiment-store.ts';
import { toRunInfo } from './row-mappers.ts';
import { loadRuns } from './run-children.ts';
import type { RunsTable } from './schema.ts';

export const RUN_NAME_TAG = 'mlflow.runName';

export const runNotFound = (id: string) => MlflowError.notFound(`Run with id=${id} not found`);

export function newRunId(): string {
  return randomUUID().replaceAll('-', '');
}

/** Reads a run row inside a write unit and checks it may still be written to (spec §3.4). */
export async function requireActiveRun(trx: Trx, runId: string): Promise<RunsTable> {
  const row = await trx.selectFrom('runs').selectAll().where('run_uuid', '=', runId).executeTakeFirst();
  return checkActiveRun(runId, row);
}

/** A run's row as read, or MLflow's error for a missing or non-active run. */
function checkActiveRun<R extends { lifecycle_stage: string | null }>(runId: string, row: R | undefined): R {
  if (!row) throw runNotFound(runId);
  if (row.lifecycle_stage !== 'active') {
    throw MlflowError.invalidParameter(
      `The run ${runId} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`,
    );
  }
  return row;
}

/** MLflow stores NaN as 0 with a flag and clamps ±Infinity to the largest finite double (spec §3.3). */
function toMetricRow(runId: string, m: MetricInput): MetricRow {
  const isNan = Number.isNaN(m.value);
  const value = isNan ? 0 : Math.max(-MAX_FINITE_DOUBLE, Math.min(MAX_FINITE_DOUBLE, m.value));
  return { key: m.key, value, timestamp: m.timestamp, step: m.step, is_nan: isNan, run_uuid: runId };
}

/** The point that becomes "latest": highest step, then timestamp, then value (spec §3.3). */
function isAfter(a: MetricRow, b: MetricRow): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  return a.value > b.value;
}

export class SqlRunStore {
  constructor(
    private readonly dialect: SqlDialect,
    private readonly now: () => number = Date.now,
  ) {}

  async createRun(input: {
    experimentId: string;
    userId: string;
    runName?: string;
    startTime: number;
    tags: KeyValue[];
  }): Promise<Run> {
    const tagName = input.tags.findLast((t) => t.key === RUN_NAME_TAG)?.value;
    if (input.runName && tagName !== undefined && input.runName !== tagName) {
      throw MlflowError.invalidParameter(
        `Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='${input.runName}', mlflow.runName='${tagName}').`,
      );
    }
    const name = input.runName || tagName || randomRunName();
    const tags = new Map(input.tags.map((t) => [t.key, t.value]));
    tags.set(RUN_NAME_TAG, name);
    const runId = newRunId();
    const expId = parseExperimentId(input.experimentId);
    const tagRows = [...tags].map(([key, value]) => ({ key, value, run_uuid: runId }));
    const runRow = (
      exp: { artifact_location: string | null; lifecycle_stage: string | null } | undefined,
    ) => {
      if (!exp) throw MlflowError.notFound(`No Experiment with id=${input.experimentId} exists`);
      if (exp.lifecycle_stage !== 'active') {
        throw MlflowError.invalidParameter(
          `The experiment ${input.experimentId} must be in the 'active' state. Current state is ${exp.lifecycle_stage}.`,
        );
      }
      const row: RunsTable = {
        run_uuid: runId,
        name,
        source_type: 'UNKNOWN',
        source_name: '',
        entry_point_name: '',
        user_id: input.userId,
        status: 'RUNNING',
        start_time: input.startTime,
        end_time: null,
        deleted_time: null,
        source_version: '',
        lifecycle_stage: 'active',
        artifact_uri: appendToUri(exp.artifact_location ?? '', runId, 'artifacts'),
        experiment_id: expId!,
      };
      return row;
    };
    // runs/create answers without `inputs` (as recorded from MLflow).
    const answer = (row: RunsTable) =>
      ({ info: toRunInfo(row), data: { tags: tagRows.map(({ key, value }) => ({ key, value })) } }) as Run;

    // The statements run from SQL compiled once (executeCompiled): building them with Kysely took ~10 % of
    // runs/create's CPU.
    const readExperiment = async (conn: Trx) => {
      if (expId === undefined) return undefined;
      const [exp] = await this.executeCompiled(conn, 'create-run-experiment', [expId], () =>
        conn
          .selectFrom('experiments')
          .select(['artifact_location', 'lifecycle_stage'])
          .where('experiment_id', '=', expId),
      );
      return exp;
    };

    if (this.dialect.insertRunWithTags) {
      // PostgreSQL: a read and one INSERT statement (atomic by itself) instead of BEGIN, read, two INSERTs
      // and COMMIT — each a round trip. An experiment deleted between the read and the INSERT still gets
      // the run, as with MLflow, whose check does not lock the experiment either.
      const row = runRow(await readExperiment(this.dialect.db));
      await this.dialect.insertRunWithTags(row, tagRows);
      return answer(row);
    }
    return this.dialect.write(async (trx) => {
      const row = runRow(await readExperiment(trx));
      await this.executeCompiled(trx, 'create-run', Object.values(row), () =>
        trx.insertInto('runs').values(row),
      );
      await this.executeCompiled(
        trx,
        `create-run-tags-${tagRows.length}`,
        tagRows.flatMap((t) => [t.key, t.value, t.run_uuid]),
        () => trx.insertInto('tags').values(tagRows),
      );
      return answer(row);
    });
  }

  async getRun(runId: string): Promise<Run> {
    const row = await this.dialect.db
      .selectFrom('runs')
      .selectAll()
      .where('run_uuid', '=', runId)
      .executeTakeFirst();
    if (!row) throw runNotFound(runId);
    const [run] = await loadRuns(this.dialect, [row]);
    return run!;
  }

  async updateRun(
    runId: string,
    update: { status?: RunStatus; endTime?: number; runName?: string },
  ): Promise<RunInfo> {
    return this.dialect.write(async (trx) => {
      const row = await requireActiveRun(trx, runId);
      const set: Partial<RunsTable> = {};
      if (update.status !== undefined) set.status = update.status;
      if (update.endTime !== undefined) set.end_time = update.endTime;
      if (update.runName) {
        set.name = update.runName;
        await upsertTags(trx, runId, [{ key: RUN_NAME_TAG, value: update.runName }]);
      }
      if (Object.keys(set).length > 0) {
        await trx.updateTable('runs').set(set).where('run_uuid', '=', runId).execute();
      }
      return toRunInfo({ ...row, ...set });
    });
  }

  async deleteRun(runId: string): Promise<void> {
    await this.setLifecycle(runId, 'deleted', this.now());
  }

  async restoreRun(runId: string): Promise<void> {
    await this.setLifecycle(runId, 'active', null);
  }

  private async setLifecycle(runId: string, stage: string, deletedTime: number | null): Promise<void> {
    await this.dialect.write(async (trx) => {
      const res = await trx
        .updateTable('runs')
        .set({ lifecycle_stage: stage, deleted_time: deletedTime })
        .where('run_uuid', '=', runId)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) throw runNotFound(runId);
    });
  }

  async logBatch(
    runId: string,
    batch: { metrics: MetricInput[]; params: KeyValue[]; tags: KeyValue[] },
  ): Promise<void> {
    await this.dialect.write(async (trx) => {
      await this.requireActiveRunCompiled(trx, runId);
      if (batch.params.length > 0) await insertParams(trx, runId, batch.params);
      if (batch.tags.length > 0) await upsertTags(trx, runId, batch.tags);
      if (batch.metrics.length > 0) await this.insertMetrics(trx, runId, batch.metrics);
    });
  }

  /**
   * SQL text of the log-batch path's own statements, compiled by Kysely once per shape: building and compiling
   * the run check and the latest_metrics upsert took ~100 µs of a 1,000-metric request, several times what
   * running them takes. Bounded: the upsert has one shape per number of distinct keys in a request.
   */
  private readonly compiledSql = new Map<string, string>();

  /**
   * Runs `build`'s statement with `parameters` through SQL compiled once for `shape`. The first compile checks
   * that Kysely binds exactly `parameters`, in that order; if it does not, the statement is not cached.
   */
  private async executeCompiled<R>(
    trx: Trx,
    shape: string,
    parameters: readonly unknown[],
    build: () => Compilable<R>,
  ): Promise<R[]> {
    const text = this.compiledSql.get(shape);
    if (text !== undefined) {
      return (await trx.executeQuery<R>(CompiledQuery.raw(text, parameters as unknown[]))).rows;
    }
    const query = build().compile();
    if (
      this.compiledSql.size < 256 &&
      query.parameters.length === parameters.length &&
      query.parameters.every((p, i) => Object.is(p, parameters[i]))
    ) {
      this.compiledSql.set(shape, query.sql);
    }
    return (await trx.executeQuery<R>(query)).rows;
  }

  /** `requireActiveRun` through SQL compiled once. */
  private async requireActiveRunCompiled(trx: Trx, runId: string): Promise<void> {
    const [row] = await this.executeCompiled(trx, 'active-run', [runId], () =>
      trx.selectFrom('runs').select('lifecycle_stage').where('run_uuid', '=', runId),
    );
    checkActiveRun(runId, row);
  }

  private async insertMetrics(trx: Trx, runId: string, metrics: MetricInput[]): Promise<void> {
    // One pass: the rows, and per key the point that becomes latest (latest_metrics is updated once per key,
    // not once per point).
    const rows = new Array<MetricRow>(metrics.length);
    const latest = new Map<string, MetricRow>();
    for (let i = 0; i < metrics.length; i++) {
      const r = toMetricRow(runId, metrics[i]!);
      rows[i] = r;
      const cur = latest.get(r.key);
      if (!cur || isAfter(r, cur)) latest.set(r.key, r);
    }
    await this.dialect.insertMetrics(trx, rows);
    const values = [...latest.values()].map((r) => ({
      key: r.key,
      value: r.value,
      timestamp: r.timestamp,
      step: r.step,
      is_nan: this.dialect.bool(r.is_nan),
      run_uuid: r.run_uuid,
    }));
    const parameters: unknown[] = [];
    for (const v of values) parameters.push(v.key, v.value, v.timestamp, v.step, v.is_nan, v.run_uuid);
    await this.executeCompiled(trx, `latest-metrics-${values.length}`, parameters, () =>
      trx
        .insertInto('latest_metrics')
        .values(values)
        .onConflict((oc) =>
          oc
            .columns(['key', 'run_uuid'])
            .doUpdateSet((eb) => ({
              value: eb.ref('excluded.value'),
              timestamp: eb.ref('excluded.timestamp'),
              step: eb.ref('excluded.step'),
              is_nan: eb.ref('excluded.is_nan'),
            }))
            .where(
              sql<boolean>`(excluded.step, excluded.timestamp, excluded.value) > (latest_metrics.step, latest_metrics.timestamp, latest_metrics.value)`,
            ),
        ),
    );
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    await this.dialect.write(async (trx) => {
      await requireActiveRun(trx, runId);
      const res = await trx
        .deleteFrom('tags')
        .where('run_uuid', '=', runId)
        .where('key', '=', key)
        .executeTakeFirst();
      if (Number(res.numDeletedRows) === 0) {
        throw MlflowError.notFound(`No tag with name: ${key} in run with id ${runId}`);
      }
    });
  }

  async appendLoggedModel(runId: string, model: Record<string, unknown>): Promise<void> {
    const key = 'mlflow.log-model.history';
    await this.dialect.write(async (trx) => {
      await requireActiveRun(trx, runId);
      const row = await trx
        .selectFrom('tags')
        .select('value')
        .where('run_uuid', '=', runId)
        .where('key', '=', key)
        .executeTakeFirst();
      let history: unknown[] = [];
      try {
        const parsed = row?.value ? JSON.parse(row.value) : [];
        if (Array.isArray(parsed)) history = parsed;
      } catch {
        // A hand-edited, unparseable history is replaced rather than blocking model logging.
      }
      history.push(model);
      await upsertTags(trx, runId, [{ key, value: JSON.stringify(history) }]);
    });
  }
}

/** Params are immutable: the same value again is a no-op, a different one fails the whole unit. */
async function insertParams(trx: Trx, runId: string, params: KeyValue[]): Promise<void> {
  const existing = await trx
    .selectFrom('params')
    .select(['key', 'value'])
    .where('run_uuid', '=', runId)
    .where(
      'key',
      'in',
      params.map((p) => p.key),
    )
    .execute();
  const old = new Map(existing.map((r) => [r.key, r.value]));
  const conflicts = params
    .filter((p) => old.has(p.key) && old.get(p.key) !== p.value)
    .map((p) => ({ key: p.key, oldValue: old.get(p.key)!, newValue: p.value }));
  if (conflicts.length > 0) throw new ParamConflictError(runId, conflicts);
  const fresh = params.filter((p) => !old.has(p.key));
  if (fresh.length > 0) {
    await trx
      .insertInto('params')
      .values(fresh.map((p) => ({ key: p.key, value: p.value, run_uuid: runId })))
      .execute();
  }
}

/** Tags are upserted; the last value for a key wins; `mlflow.runName` also renames the run. */
export async function upsertTags(trx: Trx, runId: string, tags: KeyValue[]): Promise<void> {
  const byKey = new Map(tags.map((t) => [t.key, t.value]));
  await trx
    .insertInto('tags')
    .values([...byKey].map(([key, value]) => ({ key, value, run_uuid: runId })))
    .onConflict((oc) =>
      oc.columns(['key', 'run_uuid']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })),
    )
    .execute();
  const runName = byKey.get(RUN_NAME_TAG);
  if (runName !== undefined) {
    await trx.updateTable('runs').set({ name: runName }).where('run_uuid', '=', runId).execute();
  }
}
