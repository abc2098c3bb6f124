#!/usr/bin/env node
// The test command (`npm test`): node's test runner over every *.test.ts, with a throwaway PostgreSQL.
//
//   node scripts/test.mjs                      all tests, starts PostgreSQL (or uses MLFLOW_TS_TEST_PG_URI)
//   node scripts/test.mjs --no-services        no PostgreSQL: store tests run on SQLite only
//   node scripts/test.mjs store filter         only test files whose path contains "store" or "filter"
//   node scripts/test.mjs --test-name-pattern=x  other --flags are passed to `node --test` (use --flag=value)
//
// Node 20's --test does not expand globs, so the files are collected here. The last line printed is
// `N passed, N failed, N skipped` (read from a TAP copy of the run), which CI reads.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPostgresBinaries, startPostgres } from './postgres.mjs';
import { startS3rver } from './s3rver.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CI = process.env.CI === 'true' || process.env.CI === '1';
const PG_ENV = 'MLFLOW_TS_TEST_PG_URI';
const S3_ENV = 'MLFLOW_TS_TEST_S3_ENDPOINT';

function log(line) {
  process.stdout.write(`[test] ${line}\n`);
}

function loud(line) {
  process.stderr.write(`\n${'!'.repeat(100)}\n${line}\n${'!'.repeat(100)}\n\n`);
}

/** Every *.test.ts under dir, skipping node_modules and dot-dirs; paths relative to ROOT with '/'. */
function collect(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if (err.code === 'ENOENT') return out;
    throw err;
  }
  for (const e of entries) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const full = join(dir, e.name);
    if (e.isDirectory()) collect(full, out);
    else if (e.isFile() && e.name.endsWith('.test.ts')) out.push(relative(ROOT, full).split(sep).join('/'));
  }
  return out;
}

function findTestFiles() {
  const files = [];
  const packagesDir = join(ROOT, 'packages');
  let packages = [];
  try {
    packages = readdirSync(packagesDir, { withFileTypes: true }).filter((e) => e.isDirectory());
  } catch {}
  for (const p of packages) collect(join(packagesDir, p.name, 'src'), files);
  collect(join(ROOT, 'test'), files);
  return files.sort();
}

function parseTapCounts(file) {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const counts = {};
  for (const m of text.matchAll(/^# (tests|pass|fail|cancelled|skipped|todo) (\d+)$/gm)) {
    counts[m[1]] = Number(m[2]); // the last summary wins
  }
  return 'pass' in counts ? counts : null;
}

async function main() {
  const args = process.argv.slice(2);
  const noServices = args.includes('--no-services');
  const nodeFlags = args.filter((a) => a.startsWith('--') && a !== '--no-services');
  const filters = args.filter((a) => !a.startsWith('--'));

  const all = findTestFiles();
  const files = filters.length ? all.filter((f) => filters.some((s) => f.includes(s))) : all;
  if (files.length === 0) {
    log(filters.length ? `no test file matches ${filters.join(', ')}` : 'no test files found');
    process.stdout.write('0 passed, 0 failed\n');
    return 1;
  }
  log(`${files.length} test file(s)${filters.length ? ` matching ${filters.join(', ')}` : ''}`);
  // End-to-end tests start the real CLI (bin/mlflow-ts.mjs runs dist/cli.mjs): build it from the sources.
  await import('./build.mjs');

  const env = { ...process.env };
  let pg = null;
  if (noServices) {
    env.MLFLOW_TS_TEST_NO_SERVICES = '1';
    delete env[PG_ENV];
    log('--no-services: no PostgreSQL; store tests run on SQLite only');
  } else if (process.env[PG_ENV]) {
    log(`PostgreSQL: using ${PG_ENV}=${process.env[PG_ENV]}`);
  } else {
    const bins = findPostgresBinaries();
    if (!bins) {
      if (CI) {
        process.stderr.write(
          'error: PostgreSQL not found (no initdb/pg_ctl on PATH or in /usr/lib/postgresql/*/bin) and CI=true: ' +
            'store tests must run on PostgreSQL in CI. Install Debian\'s "postgresql" package (see .ci/run).\n',
        );
        return 1;
      }
      loud('!!! PostgreSQL not found: PostgreSQL store tests are SKIPPED (apt-get install postgresql)');
    } else {
      const t0 = Date.now();
      try {
        pg = await startPostgres({ bins });
      } catch (err) {
        process.stderr.write(`error: could not start a throwaway PostgreSQL: ${err.message}\n`);
        process.stderr.write('(use --no-services to run without it, or set MLFLOW_TS_TEST_PG_URI)\n');
        return 1;
      }
      process.on('exit', pg.stop); // safety net: stop() is synchronous and idempotent
      env[PG_ENV] = pg.uri;
      log(`PostgreSQL: started ${pg.uri} in ${Date.now() - t0} ms (${pg.dir})`);
    }
  }

  // S3-compatible store for the artifact repository suite (s3rver, in this process).
  let s3 = null;
  if (noServices) {
    delete env[S3_ENV];
    log('--no-services: no S3 server; S3 artifact tests are skipped');
  } else if (process.env[S3_ENV]) {
    log(`S3: using ${S3_ENV}=${process.env[S3_ENV]}`);
  } else {
    try {
      s3 = await startS3rver();
      process.on('exit', s3.stop);
      env[S3_ENV] = s3.endpoint;
      log(`S3: started s3rver at ${s3.endpoint}`);
    } catch (err) {
      if (CI) {
        process.stderr.write(`error: could not start s3rver and CI=true: ${err.message}\n`);
        pg?.stop();
        return 1;
      }
      loud(`!!! s3rver could not start (${err.message}): S3 artifact tests are SKIPPED`);
    }
  }

  const tapDir = mkdtempSync(join(tmpdir(), 'mlflow-ts-tap-'));
  const tapFile = join(tapDir, 'report.tap');
  const nodeArgs = [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=2',
    // A hung test must not eat CI's 90 minutes; a test can raise its own limit with { timeout }.
    ...(nodeFlags.some((f) => f.startsWith('--test-timeout')) ? [] : ['--test-timeout=600000']),
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tapFile}`,
    ...nodeFlags,
    ...files,
  ];

  const child = spawn(process.execPath, nodeArgs, { cwd: ROOT, env, stdio: 'inherit' });
  let interrupted = null;
  const onSignal = (sig) => {
    if (interrupted) {
      // Second signal: give up waiting for the runner.
      child.kill('SIGKILL');
      pg?.stop();
      s3?.stop();
      process.exit(130);
    }
    interrupted = sig;
    child.kill(sig);
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, onSignal);

  const [code, signal] = await new Promise((resolve) => {
    child.on('exit', (c, s) => resolve([c, s]));
    child.on('error', (err) => {
      process.stderr.write(`error: could not run node --test: ${err.message}\n`);
      resolve([1, null]);
    });
  });

  const counts = parseTapCounts(tapFile);
  rmSync(tapDir, { recursive: true, force: true });
  if (pg) {
    pg.stop();
    log('PostgreSQL: stopped and deleted');
  }

  if (s3) {
    s3.stop();
    log('S3: stopped and deleted');
  }

  let exitCode = code ?? 1;
  if (interrupted || signal) {
    log(`interrupted (${interrupted ?? signal})`);
    exitCode = exitCode || 130;
  }
  if (counts) {
    const failed = (counts.fail ?? 0) + (counts.cancelled ?? 0);
    if (exitCode !== 0 && failed === 0) log(`test runner exited with code ${exitCode}`);
    process.stdout.write(`${counts.pass} passed, ${failed} failed, ${counts.skipped ?? 0} skipped\n`);
  } else {
    log(`no summary from the test runner (exit code ${exitCode})`);
    if (exitCode === 0) exitCode = 1;
  }
  return exitCode;
}

process.exitCode = await main();
