/**
 * Runs as wire JSON text for runs/search (spec §2.2), built by the database: each run's info, params, tags
 * and latest metrics come back as JSON texts that are spliced into the response as they are. Parsing them
 * into objects and stringifying those again cost ~1.3 ms for 100 runs with 25 children each (the queries:
 * ~2.5 ms), and reading the runs' 14 columns into row objects ~0.2 ms more than one RunInfo text per run.
 */
import type { DatasetInput } from '@mlflow-ts/protocol';
import { type RawBuilder, sql } from 'kysely';
import { chunks } from './batching.ts';
import type { SearchJsonSql, SqlDialect } from './dialect.ts';
import { CHUNK, loadDatasetInputs } from './run-children.ts';

/**
 * The RunInfo of the row `runs` as toRunInfo() writes it: the same keys in the same order, absent ones left
 * out. (SQLite's json_quote(NULL) is the text 'null', hence CASE rather than coalesce for optional texts.)
 */
function runInfoJson(quote: SearchJsonSql['quote']): RawBuilder<string> {
  const col = (name: string) => sql.ref(`runs.${name}`);
  const text = (name: string, absent: string) => quote(sql`coalesce(${col(name)}, ${sql.lit(absent)})`);
  const optionalText = (key: string, name: string) =>
    sql`CASE WHEN ${col(name)} IS NULL THEN '' ELSE ${sql.lit(`,"${key}":`)} || ${quote(col(name))} END`;
  const optionalNumber = (name: string) => sql`coalesce(${sql.lit(`,"${name}":`)} || ${col(name)}, '')`;
  return sql<string>`'{"run_uuid":' || ${quote(col('run_uuid'))}
    || ',"experiment_id":"' || coalesce(CAST(${col('experiment_id')} AS TEXT), 'null') || '"'
    || ${optionalText('run_name', 'name')}
    || ',"user_id":' || ${text('user_id', '')}
    || ',"status":' || ${text('status', 'RUNNING')}
    || ${optionalNumber('start_time')} || ${optionalNumber('end_time')}
    || ${optionalText('artifact_uri', 'artifact_uri')}
    || ',"lifecycle_stage":' || ${text('lifecycle_stage', 'active')}
    || ',"run_id":' || ${quote(col('run_uuid'))} || '}'`;
}

interface RunJsonRow {
  run_uuid: string;
  info: string;
  metrics: string | null;
  params: string | null;
  tags: string | null;
}

/**
 * The runs `ids`, in that order, as JSON texts of wire Run objects: equal to JSON.stringify of what
 * loadRuns gives for them (data lists left out when empty, `inputs` always present).
 */
export async function loadRunsJson(dialect: SqlDialect, ids: string[]): Promise<string[]> {
  const json = dialect.runChildrenJson();
  const byId = new Map<string, string>();
  for (const part of chunks(ids, CHUNK)) {
    if (part.length === 0) continue;
    const rows: RunJsonRow[] = await dialect.db
      .selectFrom('runs')
      .select([
        'runs.run_uuid',
        runInfoJson(json.quote).as('info'),
        json.metrics.as('metrics'),
        json.params.as('params'),
        json.tags.as('tags'),
      ])
      .where('runs.run_uuid', 'in', part)
      .execute();
    const inputs = new Map<string, DatasetInput[]>();
    await loadDatasetInputs(dialect.db, part, inputs);
    for (const r of rows) byId.set(r.run_uuid, runJson(r, inputs.get(r.run_uuid)));
  }
  const out: string[] = [];
  for (const id of ids) {
    const run = byId.get(id);
    if (run !== undefined) out.push(run);
  }
  return out;
}

/** `,"name":[...]`, or nothing for an empty list (loadRuns leaves the field out). */
const member = (name: string, list: string | null) => (!list || list === '[]' ? '' : `,"${name}":${list}`);

function runJson(r: RunJsonRow, inputs: DatasetInput[] | undefined): string {
  const data = member('metrics', r.metrics) + member('params', r.params) + member('tags', r.tags);
  // Dataset inputs are few and rare: JSON.stringify of the objects loadRuns builds keeps them identical.
  const inputsJson = inputs ? JSON.stringify({ dataset_inputs: inputs }) : '{}';
  return `{"info":${r.info},"data":{${data.slice(1)}},"inputs":${inputsJson}}`;
}
