// `mlflow-ts gc` as a user runs it: the real CLI on a SQLite file and an artifact folder.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openSqlTrackingStore } from '@mlflow-ts/server';

const BIN = fileURLToPath(new URL('../../bin/mlflow-ts.mjs', import.meta.url));
let dir: string;
let runDir: string;
let runId: string;
let uri: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlflow-ts-cli-gc-'));
  uri = `sqlite:///${join(dir, 'mlflow.db')}`;
  const store = await openSqlTrackingStore(uri, { defaultArtifactRoot: 'mlflow-artifacts:/' });
  const run = await store.createRun({ experimentId: '0', userId: 'u', startTime: 1, tags: [] });
  runId = run.info.run_id;
  runDir = join(dir, 'mlartifacts', '0', runId, 'artifacts');
  mkdirSync(runDir, { recursive: true });
  writeFileSync(join(runDir, 'f.txt'), 'x');
  await store.deleteRun(runId);
  await store.close();
});
after(() => rmSync(dir, { recursive: true, force: true }));

const gc = (...args: string[]) =>
  spawnSync(
    process.execPath,
    [BIN, 'gc', '--backend-store-uri', uri, '--artifacts-destination', join(dir, 'mlartifacts'), ...args],
    { encoding: 'utf8', timeout: 60_000 },
  );

it('reports with --dry-run, then removes the deleted run and its files', () => {
  const dry = gc('--dry-run');
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(dry.stdout, /Would remove 1 runs, 0 experiments, 0 model versions\./);
  assert.match(dry.stdout, new RegExp(`run ${runId}`));
  assert.ok(existsSync(runDir));
  const real = gc();
  assert.equal(real.status, 0, real.stderr);
  assert.match(real.stdout, /Removed 1 runs/);
  assert.equal(existsSync(runDir), false);
  const again = gc();
  assert.match(again.stdout, /Removed 0 runs/);
});

it('refuses a bad duration with a clear message', () => {
  const r = gc('--older-than', 'soon');
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /Could not parse duration 'soon'/);
});
