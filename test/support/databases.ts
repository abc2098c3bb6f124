// Per-test databases for store tests: one fresh, empty database per call and dialect, so suites can run
// in parallel and never see each other's rows (architecture.md §5: store conformance runs on SQLite
// and PostgreSQL).
//
// PostgreSQL comes from MLFLOW_TS_TEST_PG_URI, which scripts/test.mjs sets to a throwaway cluster it
// starts. Without it: under CI=true a store test fails (it must not silently skip); locally only
// SQLite is used, with one loud line. `npm run test:unit` (--no-services) opts out explicitly.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

export type Dialect = 'sqlite' | 'postgresql';

export interface TestDatabase {
  dialect: Dialect;
  /** `sqlite:////abs/path/mlflow.db` (file not created yet) or `postgresql://mlflow@127.0.0.1:PORT/mlflow_test_x`. */
  uri: string;
  /** Deletes the database (PostgreSQL: even with connections still open). Idempotent. */
  drop(): Promise<void>;
}

const PG_ENV = 'MLFLOW_TS_TEST_PG_URI';

function isCi(): boolean {
  return process.env.CI === 'true' || process.env.CI === '1';
}

function servicesDisabled(): boolean {
  return process.env.MLFLOW_TS_TEST_NO_SERVICES === '1';
}

/** True when store tests can use PostgreSQL (MLFLOW_TS_TEST_PG_URI is set). */
export function postgresAvailable(): boolean {
  return Boolean(process.env[PG_ENV]);
}

let warned = false;
function warnSkippedOnce(reason: string): void {
  if (warned) return;
  warned = true;
  const bar = '!'.repeat(100);
  process.stderr.write(`\n${bar}\n!!! PostgreSQL store tests skipped (${reason})\n${bar}\n\n`);
}

/** One fresh empty database per call for each available dialect. */
export async function createTestDatabases(): Promise<TestDatabase[]> {
  if (!postgresAvailable()) {
    if (servicesDisabled()) {
      warnSkippedOnce('--no-services');
    } else if (isCi()) {
      throw new Error(
        `${PG_ENV} is unset and CI=true: store tests must run on PostgreSQL in CI ` +
          '(run them through `npm test`, which starts a throwaway PostgreSQL)',
      );
    } else {
      warnSkippedOnce(`${PG_ENV} unset`);
    }
    return [await createTestDatabase('sqlite')];
  }
  const sqlite = await createTestDatabase('sqlite');
  try {
    return [sqlite, await createTestDatabase('postgresql')];
  } catch (err) {
    await sqlite.drop();
    throw err;
  }
}

export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  return dialect === 'sqlite' ? createSqlite() : createPostgres();
}

function createSqlite(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'mlflow-ts-sqlite-'));
  const file = join(dir, 'mlflow.db');
  return {
    dialect: 'sqlite',
    // MLflow's form: `sqlite:///` + absolute path, so four slashes on POSIX.
    uri: `sqlite:///${file}`,
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function adminUri(): URL {
  const raw = process.env[PG_ENV];
  if (!raw) throw new Error(`PostgreSQL test database requested but ${PG_ENV} is unset`);
  return new URL(raw);
}

async function adminQuery(admin: URL, sql: string): Promise<void> {
  const client = new Client({ connectionString: admin.href });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Waits (up to 2 s) until no backend is connected to the database. A pool's end() resolves before its
 * sockets are closed; DROP ... WITH (FORCE) would then kill a backend whose client is still ending.
 */
async function backendsGone(admin: URL, name: string): Promise<void> {
  const client = new Client({ connectionString: admin.href });
  await client.connect();
  try {
    for (let i = 0; i < 100; i++) {
      const { rows } = await client.query(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
        [name],
      );
      if (rows[0].n === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await client.end();
  }
}

async function createPostgres(): Promise<TestDatabase> {
  const admin = adminUri();
  const name = `mlflow_test_${randomBytes(8).toString('hex')}`;
  await adminQuery(admin, `CREATE DATABASE "${name}"`);
  const url = new URL(admin.href);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    dialect: 'postgresql',
    uri: url.href,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await backendsGone(admin, name);
      // FORCE (PostgreSQL 13+) ends connections a store or pool left open.
      await adminQuery(admin, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}
