import type { Experiment, KeyValue } from '@mlflow-ts/protocol';
import type { CompiledQuery } from 'kysely';
import { MlflowError } from '../../core/mlflow-error.ts';
import type { ExperimentSearchQuery, ExperimentStore, Page } from '../tracking-store.ts';
import { appendToUri } from './artifact-location.ts';
import { group } from './batching.ts';
import type { SqlDialect, Trx } from './dialect.ts';
import { toExperiment } from './row-mappers.ts';
import {
  applyExperimentFilter,
  applyExperimentOrder,
  experimentsJsonQuery,
  runExperimentsJson,
} from './search-experiments-sql.ts';
import { literalCount } from './search-sql-helpers.ts';

const notFound = (id: string) => MlflowError.notFound(`No Experiment with id=${id} exists`);

/** Experiment ids are integers in SQL; anything else cannot exist (and must not reach PostgreSQL). */
export function parseExperimentId(id: string): number | undefined {
  if (!/^-?\d{1,10}$/.test(id)) return undefined;
  const n = Number(id);
  return n >= -2147483648 && n <= 2147483647 ? n : undefined;
}

export const DEFAULT_EXPERIMENT_NAME = 'Default';

/** Distinct experiment searches whose compiled statement is kept (least recently used dropped first). */
const SEARCH_SQL_CACHE = 64;

export class SqlExperimentStore implements ExperimentStore {
  private readonly searchSql = new Map<string, CompiledQuery>();

  constructor(
    protected readonly dialect: SqlDialect,
    private readonly artifactRoot: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** On an empty database MLflow creates experiment 0, "Default" (spec §10). */
  async ensureDefaultExperiment(): Promise<void> {
    const any = await this.dialect.db
      .selectFrom('experiments')
      .select('experiment_id')
      .limit(1)
      .executeTakeFirst();
    if (any) return;
    const t = this.now();
    await this.dialect.write(async (trx) => {
      await trx
        .insertInto('experiments')
        .values({
          experiment_id: 0,
          name: DEFAULT_EXPERIMENT_NAME,
          artifact_location: appendToUri(this.artifactRoot, '0'),
          lifecycle_stage: 'active',
          creation_time: t,
          last_update_time: t,
        })
        .execute();
    });
  }

  async createExperiment(input: {
    name: string;
    artifactLocation?: string;
    tags: KeyValue[];
  }): Promise<string> {
    const t = this.now();
    try {
      return await this.dialect.write(async (trx) => {
        const row = await trx
          .insertInto('experiments')
          .values({
            name: input.name,
            artifact_location: input.artifactLocation || null,
            lifecycle_stage: 'active',
            creation_time: t,
            last_update_time: t,
          })
          .returning('experiment_id')
          .executeTakeFirstOrThrow();
        const id = String(row.experiment_id);
        if (!input.artifactLocation) {
          await trx
            .updateTable('experiments')
            .set({ artifact_location: appendToUri(this.artifactRoot, id) })
            .where('experiment_id', '=', row.experiment_id)
            .execute();
        }
        if (input.tags.length > 0) {
          const tags = new Map(input.tags.map((tag) => [tag.key, tag.value]));
          await trx
            .insertInto('experiment_tags')
            .values([...tags].map(([key, value]) => ({ key, value, experiment_id: row.experiment_id })))
            .execute();
        }
        return id;
      });
    } catch (err) {
      if (this.dialect.isUniqueViolation(err)) {
        throw MlflowError.alreadyExists(`Experiment(name=${input.name}) already exists.`);
      }
      throw err;
    }
  }

  private async loadTags(db: Trx, ids: number[]): Promise<Map<number, KeyValue[]>> {
    const byId = new Map<number, KeyValue[]>();
    if (ids.length === 0) return byId;
    const rows = await db
      .selectFrom('experiment_tags')
      .select(['experiment_id', 'key', 'value'])
      .where('experiment_id', 'in', ids)
      .execute();
    for (const r of rows) group(byId, r.experiment_id, { key: r.key, value: r.value ?? '' });
    return byId;
  }

  private async findById(db: Trx, id: string): Promise<Experiment | undefined> {
    const n = parseExperimentId(id);
    if (n === undefined) return undefined;
    const row = await db
      .selectFrom('experiments')
      .selectAll()
      .where('experiment_id', '=', n)
      .executeTakeFirst();
    if (!row) return undefined;
    return toExperiment(row, (await this.loadTags(db, [n])).get(n) ?? []);
  }

  async getExperiment(experimentId: string): Promise<Experiment> {
    const e = await this.findById(this.dialect.db, experimentId);
    if (!e) throw notFound(experimentId);
    return e;
  }

  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    const row = await this.dialect.db
      .selectFrom('experiments')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    if (!row) return undefined;
    return toExperiment(
      row,
      (await this.loadTags(this.dialect.db, [row.experiment_id])).get(row.experiment_id) ?? [],
    );
  }

  async searchExperiments(query: ExperimentSearchQuery): Promise<Page<Experiment>> {
    // One extra row tells whether another page exists (experiments emit a token only then, spec §3.2).
    const rows = await this.pageQuery(query).execute();
    const page = rows.slice(0, query.maxResults);
    const tags = await this.loadTags(
      this.dialect.db,
      page.map((r) => r.experiment_id),
    );
    return {
      items: page.map((r) => toExperiment(r, tags.get(r.experiment_id) ?? [])),
      nextOffset: rows.length > query.maxResults ? query.offset + query.maxResults : undefined,
    };
  }

  async searchExperimentsJson(query: ExperimentSearchQuery): Promise<Page<string>> {
    // The statement depends only on the query, so it is built and compiled once per distinct query: Kysely's
    // building took ~10 % of a read thread's time in a 100-experiment search (the UI and clients repeat the
    // same few searches).
    const key = JSON.stringify(
      [query.viewType, query.filter, query.orderBy, query.maxResults, query.offset],
      // Numbers as text: JSON would write NaN and ±Infinity (a time compared with 1e999) all as null.
      (_, v: unknown) => (typeof v === 'number' ? { n: String(v) } : v),
    );
    let compiled = this.searchSql.get(key);
    if (compiled) {
      this.searchSql.delete(key);
    } else {
      compiled = experimentsJsonQuery(this.dialect, this.pageQuery(query)).compile();
      if (this.searchSql.size >= SEARCH_SQL_CACHE) this.searchSql.delete(this.searchSql.keys().next().value!);
    }
    this.searchSql.set(key, compiled);
    const rows = await runExperimentsJson(this.dialect, compiled);
    return {
      items: rows.slice(0, query.maxResults),
      nextOffset: rows.length > query.maxResults ? query.offset + query.maxResults : undefined,
    };
  }

  /** The filtered, ordered page with one row more than asked for. */
  private pageQuery(query: ExperimentSearchQuery) {
    let q = this.dialect.db.selectFrom('experiments').selectAll('experiments');
    if (query.viewType === 'ACTIVE_ONLY') q = q.where('experiments.lifecycle_stage', '=', 'active');
    else if (query.viewType === 'DELETED_ONLY') q = q.where('experiments.lifecycle_stage', '=', 'deleted');
    q = applyExperimentFilter(this.dialect, q, query.filter);
    q = applyExperimentOrder(q, query.orderBy);
    return q.limit(literalCount(query.maxResults + 1)).offset(literalCount(query.offset));
  }

  private async requireStage(trx: Trx, id: string, stage: 'active' | 'deleted'): Promise<number> {
    const n = parseExperimentId(id);
    const row =
      n === undefined
        ? undefined
        : await trx
            .selectFrom('experiments')
            .select(['experiment_id', 'lifecycle_stage'])
            .where('experiment_id', '=', n)
            .executeTakeFirst();
    // MLflow answers "does not exist" both for a missing experiment and for one in the wrong stage.
    if (!row || row.lifecycle_stage !== stage) throw notFound(id);
    return row.experiment_id;
  }

  async deleteExperiment(experimentId: string): Promise<void> {
    await this.setLifecycle(experimentId, 'active', 'deleted');
  }

  async restoreExperiment(experimentId: string): Promise<void> {
    await this.setLifecycle(experimentId, 'deleted', 'active');
  }

  /** Deleting an experiment deletes its runs; restoring it restores them (spec §3.4). */
  private async setLifecycle(
    id: string,
    from: 'active' | 'deleted',
    to: 'active' | 'deleted',
  ): Promise<void> {
    const t = this.now();
    await this.dialect.write(async (trx) => {
      const n = await this.requireStage(trx, id, from);
      await trx
        .updateTable('experiments')
        .set({ lifecycle_stage: to, last_update_time: t })
        .where('experiment_id', '=', n)
        .execute();
      await trx
        .updateTable('runs')
        .set({ lifecycle_stage: to, deleted_time: to === 'deleted' ? t : null })
        .where('experiment_id', '=', n)
        .where('lifecycle_stage', '=', from)
        .execute();
    });
  }

  async renameExperiment(experimentId: string, newName: string): Promise<void> {
    const t = this.now();
    try {
      await this.dialect.write(async (trx) => {
        const e = await this.findById(trx, experimentId);
        if (!e) throw notFound(experimentId);
        if (e.lifecycle_stage !== 'active') {
          // MLflow answers INVALID_STATE (HTTP 500, which clients retry); a 400 says what is wrong.
          throw MlflowError.invalidParameter(
            `Cannot rename a non-active experiment. The experiment ${experimentId} must be in the 'active' state. Current state is ${e.lifecycle_stage}.`,
          );
        }
        await trx
          .updateTable('experiments')
          .set({ name: newName, last_update_time: t })
          .where('experiment_id', '=', Number(experimentId))
          .execute();
      });
    } catch (err) {
      if (this.dialect.isUniqueViolation(err)) {
        throw MlflowError.alreadyExists(`Experiment(name=${newName}) already exists.`);
      }
      throw err;
    }
  }

  private async requireActiveForTag(trx: Trx, experimentId: string): Promise<number> {
    const e = await this.findById(trx, experimentId);
    if (!e) throw notFound(experimentId);
    if (e.lifecycle_stage !== 'active') {
      throw MlflowError.invalidParameter(
        `The experiment ${experimentId} must be in the 'active' state. Current state is ${e.lifecycle_stage}.`,
      );
    }
    return Number(experimentId);
  }

  async setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
    await this.dialect.write(async (trx) => {
      const n = await this.requireActiveForTag(trx, experimentId);
      await trx
        .insertInto('experiment_tags')
        .values({ key, value, experiment_id: n })
        .onConflict((oc) => oc.columns(['key', 'experiment_id']).doUpdateSet({ value }))
        .execute();
    });
  }

  async deleteExperimentTag(experimentId: string, key: string): Promise<void> {
    await this.dialect.write(async (trx) => {
      const n = await this.requireActiveForTag(trx, experimentId);
      const res = await trx
        .deleteFrom('experiment_tags')
        .where('experiment_id', '=', n)
        .where('key', '=', key)
        .executeTakeFirst();
      if (Number(res.numDeletedRows) === 0) {
        throw MlflowError.notFound(`No tag with name: ${key} in experiment with id ${experimentId}`);
      }
    });
  }
}
