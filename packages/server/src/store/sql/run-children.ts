/** Loads the params, tags, latest metrics and dataset inputs of a set of runs with one query each. */
import type { DatasetInput, KeyValue, Metric, Run, RunData } from '@mlflow-ts/protocol';
import type { Kysely } from 'kysely';
import { chunks, group } from './batching.ts';
import type { SqlDialect } from './dialect.ts';
import { toRunInfo } from './row-mappers.ts';
import type { Database, RunsTable } from './schema.ts';

// Above this many ids, split the IN list (SQLite's default variable limit is 32766).
export const CHUNK = 5000;

/** `[{...}]` text from the database → entries; '[]', null or absent → undefined (the field is left out). */
function parseList<T>(
  text: string | null | undefined,
  map: (e: Record<string, unknown>) => T,
): T[] | undefined {
  if (!text || text === '[]') return undefined;
  return (JSON.parse(text) as Record<string, unknown>[]).map(map);
}

const toKeyValue = (e: Record<string, unknown>): KeyValue => ({
  key: String(e.key),
  value: e.value == null ? '' : String(e.value),
});
const toLatestMetric = (e: Record<string, unknown>): Metric => ({
  key: String(e.key),
  value: e.value as Metric['value'],
  timestamp: Number(e.timestamp ?? 0),
  step: Number(e.step),
});

export async function loadRuns(dialect: SqlDialect, rows: RunsTable[]): Promise<Run[]> {
  const ids = rows.map((r) => r.run_uuid);
  const children = new Map<string, RunData>();
  const inputs = new Map<string, DatasetInput[]>();
  const json = dialect.runChildrenJson();
  for (const part of chunks(ids, CHUNK)) {
    if (part.length === 0) continue;
    const found = await dialect.db
      .selectFrom('runs')
      .select(['runs.run_uuid', json.metrics.as('metrics'), json.params.as('params'), json.tags.as('tags')])
      .where('runs.run_uuid', 'in', part)
      .execute();
    for (const r of found) {
      const data: RunData = {};
      const metrics = parseList(r.metrics, toLatestMetric);
      const params = parseList(r.params, toKeyValue);
      const tags = parseList(r.tags, toKeyValue);
      if (metrics) data.metrics = metrics;
      if (params) data.params = params;
      if (tags) data.tags = tags;
      children.set(r.run_uuid, data);
    }
    await loadDatasetInputs(dialect.db, part, inputs);
  }
  return rows.map((row) => {
    const d = inputs.get(row.run_uuid);
    return {
      info: toRunInfo(row),
      data: children.get(row.run_uuid) ?? {},
      inputs: d ? { dataset_inputs: d } : {},
    };
  });
}

/** The dataset inputs of the runs `runIds` (two queries), appended to `out` under their run's id. */
export async function loadDatasetInputs(
  db: Kysely<Database>,
  runIds: string[],
  out: Map<string, DatasetInput[]>,
): Promise<void> {
  const links = await db
    .selectFrom('inputs')
    .innerJoin('datasets', 'datasets.dataset_uuid', 'inputs.source_id')
    .select([
      'inputs.input_uuid',
      'inputs.destination_id',
      'datasets.name',
      'datasets.digest',
      'datasets.dataset_source_type',
      'datasets.dataset_source',
      'datasets.dataset_schema',
      'datasets.dataset_profile',
    ])
    .where('inputs.source_type', '=', 'DATASET')
    .where('inputs.destination_type', '=', 'RUN')
    .where('inputs.destination_id', 'in', runIds)
    .execute();
  if (links.length === 0) return;
  const tagRows = await db
    .selectFrom('input_tags')
    .select(['input_uuid', 'name', 'value'])
    .where(
      'input_uuid',
      'in',
      links.map((l) => l.input_uuid),
    )
    .execute();
  const tagsByInput = new Map<string, KeyValue[]>();
  for (const t of tagRows) group(tagsByInput, t.input_uuid, { key: t.name, value: t.value });
  for (const l of links) {
    const dataset: DatasetInput['dataset'] = {
      name: l.name,
      digest: l.digest,
      source_type: l.dataset_source_type,
      source: l.dataset_source,
    };
    if (l.dataset_schema != null) dataset.schema = l.dataset_schema;
    if (l.dataset_profile != null) dataset.profile = l.dataset_profile;
    const input: DatasetInput = { dataset };
    const tags = tagsByInput.get(l.input_uuid);
    if (tags) input.tags = tags;
    group(out, l.destination_id, input);
  }
}
