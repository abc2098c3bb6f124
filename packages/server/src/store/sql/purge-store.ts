import type { DeletedExperiment, DeletedRun, PurgeStore } from '../purge-store.ts';
import type { SqlDialect } from './dialect.ts';
import { parseExperimentId } from './experiment-store.ts';
import type { RunsTable } from './schema.ts';

const toDeletedRun = (
  r: Pick<RunsTable, 'run_uuid' | 'experiment_id' | 'artifact_uri' | 'deleted_time'>,
): DeletedRun => ({
  runId: r.run_uuid,
  experimentId: String(r.experiment_id),
  artifactUri: r.artifact_uri ?? '',
  deletedTime: r.deleted_time == null ? null : Number(r.deleted_time),
});

const ids = (experimentIds: string[]) =>
  experimentIds.map(parseExperimentId).filter((n): n is number => n !== undefined);

export class SqlPurgeStore implements PurgeStore {
  constructor(private readonly dialect: SqlDialect) {}

  async deletedRuns(query: {
    deletedBefore?: number;
    experimentIds?: string[];
    runIds?: string[];
    afterRunId?: string;
    limit: number;
  }): Promise<DeletedRun[]> {
    let q = this.dialect.db
      .selectFrom('runs')
      .select(['run_uuid', 'experiment_id', 'artifact_uri', 'deleted_time'])
      .where('lifecycle_stage', '=', 'deleted');
    if (query.deletedBefore !== undefined) {
      // A run deleted before deletion times were recorded counts as old enough, as in MLflow's gc.
      const before = query.deletedBefore;
      q = q.where((eb) => eb.or([eb('deleted_time', 'is', null), eb('deleted_time', '<', before)]));
    }
    if (query.experimentIds) q = q.where('experiment_id', 'in', ids(query.experimentIds).concat([-1]));
    if (query.runIds) q = q.where('run_uuid', 'in', query.runIds.length > 0 ? query.runIds : ['']);
    if (query.afterRunId !== undefined) q = q.where('run_uuid', '>', query.afterRunId);
    const rows = await q.orderBy('run_uuid').limit(query.limit).execute();
    return rows.map(toDeletedRun);
  }

  async runsOfExperiment(
    experimentId: string,
    afterRunId: string | undefined,
    limit: number,
  ): Promise<DeletedRun[]> {
    const id = parseExperimentId(experimentId);
    if (id === undefined) return [];
    let q = this.dialect.db
      .selectFrom('runs')
      .select(['run_uuid', 'experiment_id', 'artifact_uri', 'deleted_time'])
      .where('experiment_id', '=', id);
    if (afterRunId !== undefined) q = q.where('run_uuid', '>', afterRunId);
    return (await q.orderBy('run_uuid').limit(limit).execute()).map(toDeletedRun);
  }

  async deletedExperiments(query: {
    deletedBefore?: number;
    experimentIds?: string[];
  }): Promise<DeletedExperiment[]> {
    let q = this.dialect.db
      .selectFrom('experiments')
      .select(['experiment_id', 'name', 'artifact_location', 'last_update_time'])
      .where('lifecycle_stage', '=', 'deleted');
    if (query.deletedBefore !== undefined) {
      const before = query.deletedBefore;
      q = q.where((eb) => eb.or([eb('last_update_time', 'is', null), eb('last_update_time', '<', before)]));
    }
    if (query.experimentIds) q = q.where('experiment_id', 'in', ids(query.experimentIds).concat([-1]));
    const rows = await q.orderBy('experiment_id').execute();
    return rows.map((r) => ({
      experimentId: String(r.experiment_id),
      name: r.name,
      artifactLocation: r.artifact_location ?? '',
      lastUpdateTime: r.last_update_time == null ? null : Number(r.last_update_time),
    }));
  }

  async purgeRuns(runIds: readonly string[]): Promise<void> {
    if (runIds.length === 0) return;
    const list = [...runIds];
    await this.dialect.write(async (trx) => {
      const inputs = trx
        .selectFrom('inputs')
        .select('input_uuid')
        .where('destination_type', '=', 'RUN')
        .where('destination_id', 'in', list);
      await trx.deleteFrom('input_tags').where('input_uuid', 'in', inputs).execute();
      await trx
        .deleteFrom('inputs')
        .where('destination_type', '=', 'RUN')
        .where('destination_id', 'in', list)
        .execute();
      await this.dialect.deleteRunMetrics(trx, list);
      for (const table of ['latest_metrics', 'params', 'tags'] as const) {
        await trx.deleteFrom(table).where('run_uuid', 'in', list).execute();
      }
      await trx.deleteFrom('runs').where('run_uuid', 'in', list).execute();
    });
  }

  async purgeExperiment(experimentId: string): Promise<void> {
    const id = parseExperimentId(experimentId);
    if (id === undefined) return;
    await this.dialect.write(async (trx) => {
      await trx.deleteFrom('experiment_tags').where('experiment_id', '=', id).execute();
      await trx.deleteFrom('datasets').where('experiment_id', '=', id).execute();
      await trx.deleteFrom('experiments').where('experiment_id', '=', id).execute();
    });
  }

  async runStages(runIds: readonly string[]): Promise<Map<string, string>> {
    if (runIds.length === 0) return new Map();
    const rows = await this.dialect.db
      .selectFrom('runs')
      .select(['run_uuid', 'lifecycle_stage'])
      .where('run_uuid', 'in', [...runIds])
      .execute();
    return new Map(rows.map((r) => [r.run_uuid, r.lifecycle_stage ?? 'active']));
  }
}
