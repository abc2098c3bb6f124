/**
 * A throwaway PostgreSQL cluster for the benchmarks. Unlike the test cluster (scripts/postgres.mjs, which
 * turns fsync, synchronous_commit and full_page_writes off), this one keeps PostgreSQL's durable defaults:
 * a benchmark must not buy speed with durability. Listens on 127.0.0.1 only; trusts local connections as
 * superuser `mlflow`; as root, every server program runs as the `postgres` OS user.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './server-process.ts';

export interface PgCluster {
  /** PostgreSQL server version, e.g. "15.18". */
  readonly version: string;
  /** The durability-relevant settings in force, as `name=value` pairs. */
  readonly settings: string;
  /** The server log (auto_explain plans go there). */
  readonly logFile: string;
  /** Creates an empty database and returns its URI. */
  createDatabase(name: string): Promise<string>;
  /**
   * With `explainMs` set: the statements of that database by total execution time (pg_stat_statements,
   * whole workload including seeding), then reset.
   */
  statementStats(uri: string): Promise<string>;
  /** ANALYZE the database at that URI. */
  analyze(uri: string): Promise<void>;
  stop(): void;
}

const SETTINGS = ['fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method', 'shared_buffers'];

function binDir(): string {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) throw new Error('PostgreSQL is not installed (no /usr/lib/postgresql)');
  const versions = readdirSync(root).sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  const dir = versions.map((v) => join(root, v, 'bin')).find((d) => existsSync(join(d, 'pg_ctl')));
  if (!dir) throw new Error('no pg_ctl under /usr/lib/postgresql/*/bin');
  return dir;
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

function run(program: string, args: string[]): void {
  const [cmd, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', program, ...args]] : [program, args];
  const res = spawnSync(cmd, argv, { encoding: 'utf8', timeout: 120_000 });
  if (res.status !== 0) {
    throw new Error(`${cmd} ${argv.join(' ')} failed (${res.status}):\n${res.stdout}${res.stderr}`);
  }
}

function idOf(flag: '-u' | '-g'): number {
  const res = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error('running as root but there is no "postgres" OS user');
  return Number(res.stdout.trim());
}

/**
 * `explainMs`: diagnosis only — load auto_explain and log the EXPLAIN ANALYZE plan of every statement
 * slower than this to the server log.
 */
export async function startPgCluster(options: { explainMs?: number } = {}): Promise<PgCluster> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'mlflow-ts-bench-pg-'));
  const data = join(dir, 'data');
  if (isRoot()) chownSync(dir, idOf('-u'), idOf('-g'));
  let running = false;
  const stop = () => {
    if (running) {
      running = false;
      try {
        run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch (err) {
        process.stderr.write(`warning: could not stop the bench PostgreSQL: ${(err as Error).message}\n`);
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stop);
  try {
    run(join(bin, 'initdb'), ['-D', data, '-U', 'mlflow', '--auth=trust', '--encoding=UTF8', '--locale=C']);
    const port = await freePort();
    let opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=100`;
    if (options.explainMs !== undefined) {
      opts +=
        ' -c shared_preload_libraries=auto_explain,pg_stat_statements -c auto_explain.log_analyze=on' +
        ` -c auto_explain.log_buffers=on -c auto_explain.log_min_duration=${options.explainMs}`;
    }
    run(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'server.log'), '-o', opts, '-w', 'start']);
    running = true;
    const base = `postgresql://mlflow@127.0.0.1:${port}`;
    const admin = new pg.Client({ connectionString: `${base}/postgres` });
    await admin.connect();
    const version = (await admin.query('SHOW server_version')).rows[0].server_version as string;
    const values: string[] = [];
    for (const name of SETTINGS) {
      const { rows } = await admin.query(`SHOW ${name}`);
      values.push(`${name}=${Object.values(rows[0] as object)[0]}`);
    }
    if (options.explainMs !== undefined) await admin.query('CREATE EXTENSION pg_stat_statements');
    await admin.end();
    return {
      version: version.split(' ')[0] ?? version,
      settings: values.join(', '),
      logFile: join(dir, 'server.log'),
      async createDatabase(name: string) {
        const client = new pg.Client({ connectionString: `${base}/postgres` });
        await client.connect();
        try {
          await client.query(`CREATE DATABASE "${name.replace(/[^a-z0-9_]/gi, '_')}"`);
        } finally {
          await client.end();
        }
        return `${base}/${name.replace(/[^a-z0-9_]/gi, '_')}`;
      },
      async statementStats(uri: string) {
        const client = new pg.Client({ connectionString: `${base}/postgres` });
        await client.connect();
        try {
          const db = uri.slice(uri.lastIndexOf('/') + 1);
          const { rows } = await client.query(
            `SELECT calls, total_exec_time AS ms, mean_exec_time AS mean, rows, query
             FROM pg_stat_statements JOIN pg_database d ON d.oid = dbid WHERE d.datname = $1
             ORDER BY total_exec_time DESC LIMIT 12`,
            [db],
          );
          await client.query('SELECT pg_stat_statements_reset()');
          return [
            'pg_stat_statements (whole workload incl. seeding): total ms, calls, mean ms, rows, query',
            ...rows.map(
              (r) =>
                `  ${Number(r.ms).toFixed(0).padStart(8)}  ${String(r.calls).padStart(7)}  ` +
                `${Number(r.mean).toFixed(3).padStart(8)}  ${String(r.rows).padStart(8)}  ` +
                String(r.query).replace(/\s+/g, ' ').slice(0, 160),
            ),
          ].join('\n');
        } finally {
          await client.end();
        }
      },
      async analyze(uri: string) {
        const client = new pg.Client({ connectionString: uri });
        await client.connect();
        try {
          await client.query('ANALYZE');
        } finally {
          await client.end();
        }
      },
      stop,
    };
  } catch (err) {
    stop();
    throw err;
  }
}
