import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import {
  createTestDatabase,
  createTestDatabases,
  postgresAvailable,
  type TestDatabase,
} from './databases.ts';

const CI = process.env.CI === 'true' || process.env.CI === '1';
// Under CI=true PostgreSQL must be there: run (and fail) instead of skipping.
const noPg = postgresAvailable()
  ? false
  : process.env.MLFLOW_TS_TEST_NO_SERVICES === '1'
    ? 'PostgreSQL disabled (--no-services)'
    : !CI && 'MLFLOW_TS_TEST_PG_URI unset (PostgreSQL not started)';

async function pgQuery<T>(uri: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: uri });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

function sqlitePath(db: TestDatabase): string {
  assert.match(db.uri, /^sqlite:\/\/\/\//, 'sqlite:/// + absolute path');
  return db.uri.slice('sqlite:///'.length);
}

describe('createTestDatabase("sqlite")', () => {
  test('gives a fresh usable file database and drop deletes it', async () => {
    const db = await createTestDatabase('sqlite');
    assert.equal(db.dialect, 'sqlite');
    const file = sqlitePath(db);
    assert.equal(existsSync(dirname(file)), true);
    const conn = new Database(file);
    try {
      assert.deepEqual(conn.prepare('select 1 as one').get(), { one: 1 });
      const tables = conn.prepare("select name from sqlite_master where type = 'table'").all();
      assert.deepEqual(tables, [], 'empty');
    } finally {
      conn.close();
    }
    await db.drop();
    assert.equal(existsSync(dirname(file)), false);
    await db.drop(); // idempotent
  });

  test('two calls give two different databases', async () => {
    const [a, b] = await Promise.all([createTestDatabase('sqlite'), createTestDatabase('sqlite')]);
    assert.notEqual(a!.uri, b!.uri);
    await Promise.all([a!.drop(), b!.drop()]);
  });
});

describe('createTestDatabase("postgresql")', () => {
  const adminUri = process.env.MLFLOW_TS_TEST_PG_URI ?? '';
  const exists = async (name: string) =>
    (
      await pgQuery<{ n: number }>(
        adminUri,
        `select count(*)::int as n from pg_database where datname = '${name}'`,
      )
    )[0]!.n === 1;

  test('creates an empty database, usable with pg, and drop removes it even with a connection open', {
    skip: noPg,
  }, async () => {
    const db = await createTestDatabase('postgresql');
    assert.equal(db.dialect, 'postgresql');
    assert.match(db.uri, /^postgresql:\/\/mlflow@127\.0\.0\.1:\d+\/mlflow_test_[0-9a-f]+$/);
    const name = new URL(db.uri).pathname.slice(1);
    assert.equal(await exists(name), true);

    const rows = await pgQuery<{ one: number; db: string; tables: number }>(
      db.uri,
      "select 1 as one, current_database() as db, (select count(*)::int from pg_tables where schemaname = 'public') as tables",
    );
    assert.deepEqual(rows, [{ one: 1, db: name, tables: 0 }]);

    const lingering = new Client({ connectionString: db.uri });
    await lingering.connect();
    lingering.on('error', () => {}); // terminated by DROP ... WITH (FORCE)
    await db.drop();
    assert.equal(await exists(name), false);
    await lingering.end().catch(() => {});
    await db.drop(); // idempotent
  });

  test('parallel calls give distinct databases', { skip: noPg }, async () => {
    const dbs = await Promise.all([1, 2, 3].map(() => createTestDatabase('postgresql')));
    assert.equal(new Set(dbs.map((d) => d.uri)).size, 3);
    await Promise.all(dbs.map((d) => d.drop()));
  });
});

describe('createTestDatabases()', () => {
  const created: TestDatabase[] = [];
  after(() => Promise.all(created.map((d) => d.drop())));

  test('one database per available dialect', async () => {
    const dbs = await createTestDatabases();
    created.push(...dbs);
    const expected = postgresAvailable() ? ['sqlite', 'postgresql'] : ['sqlite'];
    assert.deepEqual(
      dbs.map((d) => d.dialect),
      expected,
    );
  });

  // In a child process: the env is read per call, but the skip warning is printed once per process.
  const probe = (env: Record<string, string>) => {
    const script = `
      import { createTestDatabases } from ${JSON.stringify(new URL('./databases.ts', import.meta.url).href)};
      try {
        const dbs = await createTestDatabases();
        console.log(JSON.stringify(dbs.map((d) => d.dialect)));
        await Promise.all(dbs.map((d) => d.drop()));
      } catch (err) {
        console.log('THREW ' + err.message);
      }`;
    const childEnv: Record<string, string | undefined> = { ...process.env, ...env };
    delete childEnv.MLFLOW_TS_TEST_PG_URI;
    delete childEnv.MLFLOW_TS_TEST_NO_SERVICES;
    Object.assign(childEnv, env);
    return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: childEnv,
      encoding: 'utf8',
    });
  };

  test('without MLFLOW_TS_TEST_PG_URI under CI=true: throws (tests fail, never skip)', () => {
    const res = probe({ CI: 'true' });
    assert.match(res.stdout, /THREW MLFLOW_TS_TEST_PG_URI is unset and CI=true/);
  });

  test('without MLFLOW_TS_TEST_PG_URI locally: SQLite only, with a loud line', () => {
    const res = probe({ CI: 'false' });
    assert.equal(res.stdout.trim(), '["sqlite"]');
    assert.match(res.stderr, /!!! PostgreSQL store tests skipped \(MLFLOW_TS_TEST_PG_URI unset\)/);
  });

  test('--no-services opts out even under CI=true', () => {
    const res = probe({ CI: 'true', MLFLOW_TS_TEST_NO_SERVICES: '1' });
    assert.equal(res.stdout.trim(), '["sqlite"]');
    assert.match(res.stderr, /!!! PostgreSQL store tests skipped \(--no-services\)/);
  });
});
