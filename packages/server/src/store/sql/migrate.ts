import { sql } from 'kysely';
import type { SqlDialect } from './dialect.ts';
import { ADDITIVE_MIGRATIONS } from './migrations/additive.ts';
import { MLFLOW_ALEMBIC_HEAD, POSTGRES_SCHEMA, SQLITE_SCHEMA } from './migrations/mlflow-schema.ts';

export interface MigrationReport {
  createdMlflowSchema: boolean;
  alembicVersion: string;
  applied: string[];
}

async function tableExists(dialect: SqlDialect, table: string): Promise<boolean> {
  if (dialect.name === 'sqlite') {
    const { rows } = await sql<{ n: number }>`
      SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ${table}`.execute(dialect.db);
    return Number(rows[0]?.n) > 0;
  }
  const { rows } = await sql<{ t: string | null }>`SELECT to_regclass(${table}) AS t`.execute(dialect.db);
  return rows[0]?.t != null;
}

/**
 * Brings a database to the schema we need: creates MLflow's tables on an empty database (exactly as
 * Python MLflow would, stamped with its alembic head), then (re)applies our additive indexes.
 * A database Python MLflow created is used in place; its tables are never altered.
 */
export async function migrate(dialect: SqlDialect): Promise<MigrationReport> {
  let createdMlflowSchema = false;
  if (!(await tableExists(dialect, 'experiments'))) {
    const statements = dialect.name === 'sqlite' ? SQLITE_SCHEMA : POSTGRES_SCHEMA;
    await dialect.write(async (trx) => {
      for (const statement of statements) await sql.raw(statement).execute(trx);
      await trx.insertInto('alembic_version').values({ version_num: MLFLOW_ALEMBIC_HEAD }).execute();
    });
    createdMlflowSchema = true;
  }
  const versionRow = await dialect.db.selectFrom('alembic_version').select('version_num').executeTakeFirst();
  const applied: string[] = [];
  await dialect.write(async (trx) => {
    applied.length = 0; // a unit may run twice before it commits
    await sql
      .raw(
        'CREATE TABLE IF NOT EXISTS mlflow_ts_migrations (name VARCHAR(128) NOT NULL PRIMARY KEY, applied_at BIGINT NOT NULL)',
      )
      .execute(trx);
    const done = new Set(
      (await trx.selectFrom('mlflow_ts_migrations').select('name').execute()).map((r) => r.name),
    );
    for (const migration of ADDITIVE_MIGRATIONS) {
      if (migration.only && migration.only !== dialect.name) continue;
      for (const statement of migration.statements) await sql.raw(statement).execute(trx);
      if (!done.has(migration.name)) {
        await trx
          .insertInto('mlflow_ts_migrations')
          .values({ name: migration.name, applied_at: Date.now() })
          .execute();
        applied.push(migration.name);
      }
    }
  });
  await dialect.syncMetricSegments?.();
  return { createdMlflowSchema, alembicVersion: versionRow?.version_num ?? 'unknown', applied };
}
