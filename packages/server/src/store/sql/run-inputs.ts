import { randomUUID } from 'node:crypto';
import type { DatasetSummary } from '@mlflow-ts/protocol';
import { LIMITS } from '@mlflow-ts/protocol';
import type { DatasetInputRecord } from '../tracking-store.ts';
import type { SqlDialect } from './dialect.ts';
import { requireActiveRun } from './run-store.ts';

const uuidHex = () => randomUUID().replaceAll('-', '');
const CONTEXT_TAG = 'mlflow.data.context';

/**
 * Dataset inputs (spec §1.2 log-inputs): a dataset is stored once per (experiment, name, digest) and linked
 * to each run that used it; the link carries the input tags (e.g. `mlflow.data.context=training`).
 */
export class SqlRunInputs {
  constructor(private readonly dialect: SqlDialect) {}

  async logInputs(runId: string, datasets: DatasetInputRecord[]): Promise<void> {
    await this.dialect.write(async (trx) => {
      const run = await requireActiveRun(trx, runId);
      const experimentId = run.experiment_id!;
      for (const { dataset, tags } of datasets) {
        const existing = await trx
          .selectFrom('datasets')
          .select('dataset_uuid')
          .where('experiment_id', '=', experimentId)
          .where('name', '=', dataset.name)
          .where('digest', '=', dataset.digest)
          .executeTakeFirst();
        let datasetUuid = existing?.dataset_uuid;
        if (!datasetUuid) {
          datasetUuid = uuidHex();
          await trx
            .insertInto('datasets')
            .values({
              dataset_uuid: datasetUuid,
              experiment_id: experimentId,
              name: dataset.name,
              digest: dataset.digest,
              dataset_source_type: dataset.source_type,
              dataset_source: dataset.source,
              dataset_schema: dataset.schema ?? null,
              dataset_profile: dataset.profile ?? null,
            })
            .execute();
        }
        const link = await trx
          .selectFrom('inputs')
          .select('input_uuid')
          .where('source_type', '=', 'DATASET')
          .where('source_id', '=', datasetUuid)
          .where('destination_type', '=', 'RUN')
          .where('destination_id', '=', runId)
          .executeTakeFirst();
        if (link) continue;
        const inputUuid = uuidHex();
        await trx
          .insertInto('inputs')
          .values({
            input_uuid: inputUuid,
            source_type: 'DATASET',
            source_id: datasetUuid,
            destination_type: 'RUN',
            destination_id: runId,
          })
          .execute();
        const byName = new Map(tags.map((t) => [t.key, t.value]));
        if (byName.size > 0) {
          await trx
            .insertInto('input_tags')
            .values([...byName].map(([name, value]) => ({ input_uuid: inputUuid, name, value })))
            .execute();
        }
      }
    });
  }

  /** Distinct (experiment, name, digest, context) of datasets used by runs (UI search-datasets). */
  async searchDatasets(experimentIds: number[]): Promise<DatasetSummary[]> {
    if (experimentIds.length === 0) return [];
    const rows = await this.dialect.db
      .selectFrom('datasets')
      .innerJoin('inputs', (j) =>
        j.onRef('inputs.source_id', '=', 'datasets.dataset_uuid').on('inputs.source_type', '=', 'DATASET'),
      )
      .leftJoin('input_tags', (j) =>
        j.onRef('input_tags.input_uuid', '=', 'inputs.input_uuid').on('input_tags.name', '=', CONTEXT_TAG),
      )
      .select(['datasets.experiment_id', 'datasets.name', 'datasets.digest', 'input_tags.value as context'])
      .distinct()
      .where('datasets.experiment_id', 'in', experimentIds)
      .limit(LIMITS.searchDatasetsMaxResults)
      .execute();
    return rows.map((r) => ({
      experiment_id: String(r.experiment_id),
      name: r.name,
      digest: r.digest,
      ...(r.context != null && { context: r.context }),
    }));
  }
}
