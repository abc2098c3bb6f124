import type { KeyValue, ModelVersion, ModelVersionStage, RegisteredModel } from '@mlflow-ts/protocol';
import { MlflowError } from '../../core/mlflow-error.ts';
import {
  type ModelVersionClause,
  type ModelVersionOrderKey,
  PROMPT_TAG_KEY,
  type RegisteredModelClause,
  type RegisteredModelOrderKey,
} from '../../core/search/index.ts';
import type { NewModelVersion, RegistrySearch, RegistryStore } from '../registry-store.ts';
import type { Page } from '../tracking-store.ts';
import type { SqlDialect, Trx } from './dialect.ts';
import {
  latestVersions,
  modelVersionTags,
  registeredModelAliases,
  registeredModelTags,
  versionKey,
  withVersionTags,
} from './registry-children.ts';
import { DELETED_STAGE, toModelVersion, toRegisteredModel } from './registry-rows.ts';
import type { Database, ModelVersionsTable, RegisteredModelsTable } from './schema.ts';
import {
  applyModelVersionFilter,
  applyModelVersionOrder,
  applyRegisteredModelFilter,
  applyRegisteredModelOrder,
} from './search-registry-sql.ts';

const modelNotFound = (name: string) => MlflowError.notFound(`Registered Model with name=${name} not found`);
const versionNotFound = (name: string, version: number) =>
  MlflowError.notFound(`Model Version (name=${name}, version=${version}) not found`);
const modelExists = (name: string) =>
  MlflowError.alreadyExists(`Registered Model (name=${name}) already exists.`);

/** Should two creates of the same model's next version still collide on the key, the loser tries again. */
const VERSION_CREATE_ATTEMPTS = 8;

type Reader = import('kysely').Kysely<Database>;

/**
 * Registry searches read one row more than asked: a next-page token is given only when more rows exist
 * (spec §3.2), unlike runs/search.
 */
async function onePage<Row, T>(
  q: { limit(n: number): { offset(n: number): { execute(): Promise<unknown[]> } } },
  query: { maxResults: number; offset: number },
  hydrate: (rows: Row[]) => Promise<T[]>,
): Promise<Page<T>> {
  const rows = (await q
    .limit(query.maxResults + 1)
    .offset(query.offset)
    .execute()) as Row[];
  const items = await hydrate(rows.slice(0, query.maxResults));
  return rows.length > query.maxResults ? { items, nextOffset: query.offset + query.maxResults } : { items };
}

export class SqlRegistryStore implements RegistryStore {
  constructor(
    private readonly dialect: SqlDialect,
    private readonly now: () => number = Date.now,
  ) {}

  private get db(): Reader {
    return this.dialect.db;
  }

  // ---- reads shared by the operations ----

  private async modelRow(db: Reader, name: string): Promise<RegisteredModelsTable> {
    const row = await db
      .selectFrom('registered_models')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    if (!row) throw modelNotFound(name);
    return row;
  }

  private async versionRow(db: Reader, name: string, version: number): Promise<ModelVersionsTable> {
    const row = await db
      .selectFrom('model_versions')
      .selectAll()
      .where('name', '=', name)
      .where('version', '=', version)
      .where('current_stage', '<>', DELETED_STAGE)
      .executeTakeFirst();
    if (!row) throw versionNotFound(name, version);
    return row;
  }

  private async hydrateModels(db: Reader, rows: RegisteredModelsTable[]): Promise<RegisteredModel[]> {
    if (rows.length === 0) return [];
    const names = rows.map((r) => r.name);
    const [tags, aliases, latest] = await Promise.all([
      registeredModelTags(db, names),
      registeredModelAliases(db, names),
      latestVersions(db, names),
    ]);
    return rows.map((r) =>
      toRegisteredModel(r, {
        tags: tags.get(r.name) ?? [],
        aliases: aliases.get(r.name) ?? [],
        latest: latest.get(r.name) ?? [],
      }),
    );
  }

  /** One version with its tags and the aliases pointing at it (single-version reads show aliases). */
  private async fullVersion(db: Reader, row: ModelVersionsTable): Promise<ModelVersion> {
    const version = Number(row.version);
    const [tags, aliases] = await Promise.all([
      modelVersionTags(db, [{ name: row.name, version }]),
      db
        .selectFrom('registered_model_aliases')
        .select('alias')
        .where('name', '=', row.name)
        .where('version', '=', version)
        .execute(),
    ]);
    const names = aliases.map((a) => a.alias).sort();
    return toModelVersion(row, tags.get(versionKey(row.name, version)) ?? [], names);
  }

  private async getModel(db: Reader, name: string): Promise<RegisteredModel> {
    const [model] = await this.hydrateModels(db, [await this.modelRow(db, name)]);
    return model as RegisteredModel;
  }

  private async touchModel(trx: Trx, name: string, t: number): Promise<void> {
    await trx
      .updateTable('registered_models')
      .set({ last_updated_time: t })
      .where('name', '=', name)
      .execute();
  }

  // ---- registered models ----

  async createRegisteredModel(input: {
    name: string;
    description: string;
    tags: KeyValue[];
  }): Promise<RegisteredModel> {
    const t = this.now();
    try {
      return await this.dialect.write(async (trx) => {
        await trx
          .insertInto('registered_models')
          .values({
            name: input.name,
            creation_time: t,
            last_updated_time: t,
            description: input.description,
          })
          .execute();
        await this.upsertModelTags(trx, input.name, input.tags);
        return this.getModel(trx, input.name);
      });
    } catch (err) {
      if (this.dialect.isUniqueViolation(err)) throw modelExists(input.name);
      throw err;
    }
  }

  getRegisteredModel(name: string): Promise<RegisteredModel> {
    return this.getModel(this.db, name);
  }

  async isPrompt(name: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('registered_model_tags')
      .select('value')
      .where('name', '=', name)
      .where('key', '=', PROMPT_TAG_KEY)
      .executeTakeFirst();
    return row?.value?.toLowerCase() === 'true';
  }

  async renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel> {
    const t = this.now();
    try {
      return await this.dialect.write(async (trx) => {
        await this.modelRow(trx, name);
        // Versions, tags and aliases follow through the foreign keys' ON UPDATE CASCADE.
        await trx
          .updateTable('registered_models')
          .set({ name: newName, last_updated_time: t })
          .where('name', '=', name)
          .execute();
        await trx
          .updateTable('model_versions')
          .set({ last_updated_time: t })
          .where('name', '=', newName)
          .execute();
        return this.getModel(trx, newName);
      });
    } catch (err) {
      if (this.dialect.isUniqueViolation(err)) throw modelExists(newName);
      throw err;
    }
  }

  updateRegisteredModel(name: string, description: string): Promise<RegisteredModel> {
    const t = this.now();
    return this.dialect.write(async (trx) => {
      await this.modelRow(trx, name);
      await trx
        .updateTable('registered_models')
        .set({ description, last_updated_time: t })
        .where('name', '=', name)
        .execute();
      return this.getModel(trx, name);
    });
  }

  deleteRegisteredModel(name: string): Promise<void> {
    return this.dialect.write(async (trx) => {
      await this.modelRow(trx, name);
      // Only the alias table cascades deletes in MLflow's schema; the rest goes child-first.
      await trx.deleteFrom('model_version_tags').where('name', '=', name).execute();
      await trx.deleteFrom('model_versions').where('name', '=', name).execute();
      await trx.deleteFrom('registered_model_tags').where('name', '=', name).execute();
      await trx.deleteFrom('registered_model_aliases').where('name', '=', name).execute();
      await trx.deleteFrom('registered_models').where('name', '=', name).execute();
    });
  }

  async searchRegisteredModels(
    query: RegistrySearch<RegisteredModelClause, RegisteredModelOrderKey>,
  ): Promise<Page<RegisteredModel>> {
    let q = this.db.selectFrom('registered_models as rm').selectAll('rm');
    q = applyRegisteredModelFilter(this.dialect, q, query.filter, query.includePrompts);
    q = applyRegisteredModelOrder(q, query.orderBy);
    return onePage(q, query, (rows: RegisteredModelsTable[]) => this.hydrateModels(this.db, rows));
  }

  async getLatestVersions(name: string, stages: ModelVersionStage[]): Promise<ModelVersion[]> {
    await this.modelRow(this.db, name);
    return (await latestVersions(this.db, [name], stages)).get(name) ?? [];
  }

  setRegisteredModelTag(name: string, key: string, value: string): Promise<void> {
    return this.dialect.write(async (trx) => {
      await this.modelRow(trx, name);
      await this.upsertModelTags(trx, name, [{ key, value }]);
    });
  }

  deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    return this.dialect.write(async (trx) => {
      await this.modelRow(trx, name);
      await trx.deleteFrom('registered_model_tags').where('name', '=', name).where('key', '=', key).execute();
    });
  }

  private async upsertModelTags(trx: Trx, name: string, tags: KeyValue[]): Promise<void> {
    for (const tag of tags) {
      await trx
        .insertInto('registered_model_tags')
        .values({ name, key: tag.key, value: tag.value })
        .onConflict((oc) => oc.columns(['key', 'name']).doUpdateSet({ value: tag.value }))
        .execute();
    }
  }

  // ---- aliases ----

  setAlias(name: string, alias: string, version: number): Promise<void> {
    return this.dialect.write(async (trx) => {
      await this.modelRow(trx, name);
      await this.versionRow(trx, name, version);
      await trx
        .insertInto('registered_model_aliases')
        .values({ name, alias, version })
        .onConflict((oc) => oc.columns(['name', 'alias']).doUpdateSet({ version }))
        .execute();
    });
  }

  deleteAlias(name: string, alias: string): Promise<void> {
    return this.dialect.write(async (trx) => {
      await this.modelRow(trx, name);
      await trx
        .deleteFrom('registered_model_aliases')
        .where('name', '=', name)
        .where('alias', '=', alias)
        .execute();
    });
  }

  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    await this.modelRow(this.db, name);
    const row = await this.db
      .selectFrom('registered_model_aliases')
      .select('version')
      .where('name', '=', name)
      .where('alias', '=', alias)
      .executeTakeFirst();
    // An unknown alias is a 400 in MLflow, not a 404 (trap 13).
    if (!row) throw MlflowError.invalidParameter(`Registered model alias ${alias} not found.`);
    return this.fullVersion(this.db, await this.versionRow(this.db, name, Number(row.version)));
  }

  // ---- model versions ----

  async createModelVersion(input: NewModelVersion): Promise<ModelVersion> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.insertNextVersion(input);
      } catch (err) {
        if (!this.dialect.isUniqueViolation(err) || attempt >= VERSION_CREATE_ATTEMPTS) throw err;
      }
    }
  }

  private insertNextVersion(input: NewModelVersion): Promise<ModelVersion> {
    const t = this.now();
    return this.dialect.write(async (trx) => {
      // Touching the model first takes its row lock on PostgreSQL, so concurrent creates for one model
      // queue here instead of all reading the same maximum (SQLite serialises writers anyway).
      await this.touchModel(trx, input.name, t);
      await this.modelRow(trx, input.name);
      // Numbers are never reused: the maximum counts soft-deleted versions too (trap 21).
      const max = await trx
        .selectFrom('model_versions')
        .select((eb) => eb.fn.max('version').as('max'))
        .where('name', '=', input.name)
        .executeTakeFirst();
      const version = Number(max?.max ?? 0) + 1;
      await trx
        .insertInto('model_versions')
        .values({
          name: input.name,
          version,
          creation_time: t,
          last_updated_time: t,
          description: input.description,
          user_id: null,
          current_stage: 'None',
          source: input.source,
          run_id: input.runId,
          status: 'READY',
          status_message: null,
          run_link: input.runLink,
          storage_location: input.storageLocation,
        })
        .execute();
      for (const tag of input.tags) {
        await trx
          .insertInto('model_version_tags')
          .values({ name: input.name, version, key: tag.key, value: tag.value })
          .onConflict((oc) => oc.columns(['key', 'name', 'version']).doUpdateSet({ value: tag.value }))
          .execute();
      }
      return this.fullVersion(trx, await this.versionRow(trx, input.name, version));
    });
  }

  async getModelVersion(name: string, version: number): Promise<ModelVersion> {
    return this.fullVersion(this.db, await this.versionRow(this.db, name, version));
  }

  updateModelVersion(name: string, version: number, description: string): Promise<ModelVersion> {
    const t = this.now();
    return this.dialect.write(async (trx) => {
      await this.versionRow(trx, name, version);
      await trx
        .updateTable('model_versions')
        .set({ description, last_updated_time: t })
        .where('name', '=', name)
        .where('version', '=', version)
        .execute();
      return this.fullVersion(trx, await this.versionRow(trx, name, version));
    });
  }

  transitionStage(
    name: string,
    version: number,
    stage: ModelVersionStage,
    archiveExisting: boolean,
  ): Promise<ModelVersion> {
    const t = this.now();
    return this.dialect.write(async (trx) => {
      await this.versionRow(trx, name, version);
      if (archiveExisting) {
        await trx
          .updateTable('model_versions')
          .set({ current_stage: 'Archived', last_updated_time: t })
          .where('name', '=', name)
          .where('version', '<>', version)
          .where('current_stage', '=', stage)
          .execute();
      }
      await trx
        .updateTable('model_versions')
        .set({ current_stage: stage, last_updated_time: t })
        .where('name', '=', name)
        .where('version', '=', version)
        .execute();
      await this.touchModel(trx, name, t);
      return this.fullVersion(trx, await this.versionRow(trx, name, version));
    });
  }

  /** Soft delete as MLflow does: the number stays taken, the row is redacted, its aliases go. */
  deleteModelVersion(name: string, version: number): Promise<void> {
    const t = this.now();
    return this.dialect.write(async (trx) => {
      await this.versionRow(trx, name, version);
      await trx
        .updateTable('model_versions')
        .set({
          current_stage: DELETED_STAGE,
          last_updated_time: t,
          description: null,
          user_id: null,
          source: 'REDACTED-SOURCE-PATH',
          run_id: 'REDACTED-RUN-ID',
          run_link: 'REDACTED-RUN-LINK',
          status_message: null,
          storage_location: null,
        })
        .where('name', '=', name)
        .where('version', '=', version)
        .execute();
      await trx
        .deleteFrom('registered_model_aliases')
        .where('name', '=', name)
        .where('version', '=', version)
        .execute();
      await this.touchModel(trx, name, t);
    });
  }

  async searchModelVersions(
    query: RegistrySearch<ModelVersionClause, ModelVersionOrderKey>,
  ): Promise<Page<ModelVersion>> {
    let q = this.db.selectFrom('model_versions as mv').selectAll('mv');
    q = applyModelVersionFilter(this.dialect, q, query.filter, query.includePrompts);
    q = applyModelVersionOrder(q, query.orderBy);
    return onePage(q, query, (rows: ModelVersionsTable[]) => withVersionTags(this.db, rows));
  }

  async getModelVersionDownloadUri(name: string, version: number): Promise<string> {
    const row = await this.versionRow(this.db, name, version);
    return row.storage_location || row.source || '';
  }

  setModelVersionTag(name: string, version: number, key: string, value: string): Promise<void> {
    return this.dialect.write(async (trx) => {
      await this.versionRow(trx, name, version);
      await trx
        .insertInto('model_version_tags')
        .values({ name, version, key, value })
        .onConflict((oc) => oc.columns(['key', 'name', 'version']).doUpdateSet({ value }))
        .execute();
    });
  }

  deleteModelVersionTag(name: string, version: number, key: string): Promise<void> {
    return this.dialect.write(async (trx) => {
      await this.versionRow(trx, name, version);
      await trx
        .deleteFrom('model_version_tags')
        .where('name', '=', name)
        .where('version', '=', version)
        .where('key', '=', key)
        .execute();
    });
  }
}
