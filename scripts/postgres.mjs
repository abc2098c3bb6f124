#!/usr/bin/env node
// Throwaway PostgreSQL clusters for tests (architecture.md §5, §8).
//
// Used by scripts/test.mjs; also runnable by hand to keep one cluster up while iterating:
//   node scripts/postgres.mjs          # prints `export MLFLOW_TS_TEST_PG_URI=...`, Ctrl-C stops it
//
// The cluster lives in a temp dir (data, unix socket, server log) that is deleted on stop. It listens on
// 127.0.0.1 only, trusts every local connection as superuser `mlflow`, and runs with fsync off: the
// data is disposable, speed matters. PostgreSQL refuses to run as root, so as root every server
// command runs as the `postgres` OS user (created by Debian's postgresql package).
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  chownSync,
  constants,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const DIR_PREFIX = 'mlflow-ts-pg-';
const OWNER_FILE = 'owner.pid';

function isExecutable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where initdb and pg_ctl are: PATH first, then Debian's /usr/lib/postgresql/<version>/bin (not on
 * PATH on a fresh Debian machine), newest version first. Returns null when PostgreSQL is not installed.
 */
export function findPostgresBinaries() {
  // MLFLOW_TS_TEST_PG_BIN: look only in that dir (a custom build; or a missing dir to test the
  // "not installed" path).
  const only = process.env.MLFLOW_TS_TEST_PG_BIN;
  const dirs = only ? [only] : (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  const debianRoot = '/usr/lib/postgresql';
  if (!only && existsSync(debianRoot)) {
    const versions = readdirSync(debianRoot)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
    for (const v of versions) dirs.push(join(debianRoot, v, 'bin'));
  }
  for (const dir of dirs) {
    const initdb = join(dir, 'initdb');
    const pgCtl = join(dir, 'pg_ctl');
    if (isExecutable(initdb) && isExecutable(pgCtl)) return { initdb, pgCtl };
  }
  return null;
}

/** A free TCP port on 127.0.0.1 (the OS picks it; tiny race until postgres binds it, fine for tests). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function postgresUser() {
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error(
      'running as root, but there is no "postgres" OS user to run PostgreSQL as ' +
        '(install Debian\'s "postgresql" package, or run as a non-root user)',
    );
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Runs a PostgreSQL server program, as the postgres user when we are root. Throws with its output on failure. */
function runPg(program, args, cwd) {
  const [cmd, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', program, ...args]] : [program, args];
  const res = spawnSync(cmd, argv, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
  });
  if (res.status !== 0) {
    const why = res.error
      ? String(res.error)
      : `exit code ${res.status}${res.signal ? ` (${res.signal})` : ''}`;
    throw new Error(`${cmd} ${argv.join(' ')} failed: ${why}\n${res.stdout ?? ''}${res.stderr ?? ''}`);
  }
  return res;
}

function processAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return err.code === 'EPERM';
  }
  try {
    // A killed process whose parent has not reaped it yet still answers kill(0): a zombie is dead.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/**
 * Stops and deletes clusters left behind by test runs that were killed without cleaning up
 * (SIGKILL, a machine stop): their owner process is gone but the postmaster may still hold memory.
 */
export function reapStaleClusters(bins) {
  let entries;
  try {
    entries = readdirSync(tmpdir()).filter((name) => name.startsWith(DIR_PREFIX));
  } catch {
    return;
  }
  for (const name of entries) {
    const dir = join(tmpdir(), name);
    let owner = 0;
    try {
      owner = Number(readFileSync(join(dir, OWNER_FILE), 'utf8').trim());
    } catch {
      continue; // not ours, or still being created
    }
    if (!owner || processAlive(owner)) continue;
    const data = join(dir, 'data');
    if (existsSync(join(data, 'postmaster.pid'))) {
      try {
        runPg(bins.pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop'], dir);
      } catch {
        // already dead; fall through to delete
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Starts a throwaway cluster. Returns { uri, port, dir, stop }; stop() is synchronous (usable from an
 * 'exit' handler) and idempotent. Throws if PostgreSQL is not installed or does not start.
 */
export async function startPostgres({ bins = findPostgresBinaries() } = {}) {
  if (!bins)
    throw new Error('PostgreSQL not found (no initdb/pg_ctl on PATH or in /usr/lib/postgresql/*/bin)');
  reapStaleClusters(bins);
  const dir = mkdtempSync(join(tmpdir(), DIR_PREFIX));
  writeFileSync(join(dir, OWNER_FILE), `${process.pid}\n`);
  const data = join(dir, 'data');
  let running = false;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    if (running) {
      try {
        // immediate: no checkpoint; the data is deleted right after.
        runPg(bins.pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop'], dir);
      } catch (err) {
        process.stderr.write(`warning: could not stop test PostgreSQL: ${err.message}\n`);
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    if (isRoot()) {
      const { uid, gid } = postgresUser();
      chownSync(dir, uid, gid);
    }
    runPg(
      bins.initdb,
      ['-D', data, '-U', 'mlflow', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'],
      dir,
    );
    // A port taken between freePort() and bind makes pg_ctl fail: retry with another port.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const opts = [
        `-p ${port}`,
        `-k ${dir}`,
        '-c listen_addresses=127.0.0.1',
        '-c fsync=off',
        '-c synchronous_commit=off',
        '-c full_page_writes=off',
        '-c max_connections=200',
      ].join(' ');
      try {
        runPg(
          bins.pgCtl,
          ['-D', data, '-l', join(dir, 'server.log'), '-o', opts, '-w', '-t', '60', 'start'],
          dir,
        );
        running = true;
        return { uri: `postgresql://mlflow@127.0.0.1:${port}/postgres`, port, dir, stop };
      } catch (err) {
        let log = '';
        try {
          log = readFileSync(join(dir, 'server.log'), 'utf8');
        } catch {}
        if (attempt >= 3) throw new Error(`${err.message}\nserver log:\n${log}`);
      }
    }
  } catch (err) {
    stop();
    throw err;
  }
}

// CLI: keep one cluster up until interrupted.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const pg = await startPostgres();
  process.on('exit', pg.stop);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      pg.stop();
      process.exit(0);
    });
  }
  process.stdout.write(
    `export MLFLOW_TS_TEST_PG_URI=${pg.uri}\n# data in ${pg.dir}; Ctrl-C stops and deletes it\n`,
  );
  setInterval(() => {}, 1 << 30);
}
