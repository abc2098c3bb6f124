// Our schema must be MLflow's schema, statement for statement, so Python MLflow opens a database we
// created (and we open one it created). Compared with the dumps of a database MLflow 2.9.2 created.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, it } from 'node:test';
import { migrate, openDatabase } from '@mlflow-ts/server';
import { createTestDatabase, type TestDatabase } from './support/databases.ts';
import { describeEachDialect } from './support/dialects.ts';

const reference = (file: string) =>
  readFileSync(new URL(`fixtures/reference/schema/${file}`, import.meta.url), 'utf8');

/** Statements without comments and blank lines, whitespace normalised, sorted. */
function statements(dump: string, drop: (s: string) => boolean): string[] {
  return (
    dump
      .split('\n')
      .filter((line) => !line.startsWith('--') && !line.startsWith('\\'))
      .join('\n')
      .split(/;\s*\n/)
      // SQLite keeps `IF NOT EXISTS` in the stored text of tables alembic rebuilt; the table is the same.
      .map((s) => s.replace(/\s+/g, ' ').replace('CREATE TABLE IF NOT EXISTS', 'CREATE TABLE').trim())
      .filter((s) => s !== '' && !drop(s))
      .sort()
  );
}

const ours = (s: string) => /mlflow_ts_/.test(s);

describeEachDialect('schema', (dialect) => {
  const dbs: TestDatabase[] = [];
  after(async () => {
    for (const db of dbs) await db.drop();
  });

  it('is the MLflow 2.9.2 schema plus our additive indexes only', async () => {
    const db = await createTestDatabase(dialect);
    dbs.push(db);
    const d = openDatabase(db.uri);
    const report = await migrate(d);
    assert.equal(report.createdMlflowSchema, true);
    assert.equal(report.alembicVersion, 'acf3f17fdcc7');
    await d.close();

    if (dialect === 'sqlite') {
      const path = db.uri.slice('sqlite:///'.length);
      const dump = execFileSync('node', [
        '-e',
        `const D=require('better-sqlite3');const d=new D(${JSON.stringify(path)},{readonly:true});` +
          `for(const r of d.prepare("select sql from sqlite_master where sql is not null order by rowid").all())console.log(r.sql+';');`,
      ]).toString();
      assert.deepEqual(
        statements(dump, ours),
        statements(reference('sqlite.sql'), () => false),
      );
      assert.ok(statements(dump, () => false).some(ours), 'our indexes are there');
    } else {
      let dump: string;
      try {
        dump = execFileSync('pg_dump', ['--schema-only', '--no-owner', '--no-privileges', db.uri]).toString();
      } catch (err) {
        assert.fail(`pg_dump is needed for the PostgreSQL schema check: ${(err as Error).message}`);
      }
      const noise = (s: string) => s.startsWith('SET ') || s.startsWith('SELECT pg_catalog') || ours(s);
      const referenceStatements = statements(reference('postgresql.sql'), (s) => noise(s));
      const ourStatements = statements(
        dump,
        (s) => noise(s) || s.startsWith('CREATE TABLE public.mlflow_ts'),
      );
      assert.deepEqual(ourStatements, referenceStatements);
    }
  });

  it('re-running the migration changes nothing', async () => {
    const db = await createTestDatabase(dialect);
    dbs.push(db);
    const d = openDatabase(db.uri);
    await migrate(d);
    const again = await migrate(d);
    assert.equal(again.createdMlflowSchema, false);
    assert.deepEqual(again.applied, []);
    await d.close();
  });
});
