import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SqliteCheckpointer } from './sqlite-checkpointer.ts';
import { SqliteDialect } from './sqlite-dialect.ts';

/** Rows of `name` in a copy of the database file alone: what has been checkpointed out of the WAL. */
function rowsInMainFile(dir: string, path: string, name: string): number {
  const copy = join(dir, `copy-${Math.random().toString(16).slice(2)}.db`);
  copyFileSync(path, copy);
  const db = new Database(copy, { readonly: true });
  try {
    const row = db.prepare('SELECT count(*) AS n FROM experiments WHERE name = ?').get(name) as { n: number };
    return row.n;
  } finally {
    db.close();
  }
}

async function until(check: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}

describe('SQLite checkpoint thread', () => {
  let dir: string;
  let path: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mlflow-ts-ckpt-'));
    path = join(dir, 'mlflow.db');
    const setup = new Database(path);
    setup.pragma('journal_mode = WAL');
    setup.exec(
      'CREATE TABLE experiments (experiment_id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, lifecycle_stage TEXT)',
    );
    setup.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('copies committed pages into the database file with no further commit, and stops on close', async () => {
    const dialect = new SqliteDialect({ path });
    try {
      await dialect.write(async (trx) => {
        await trx.insertInto('experiments').values({ name: 'first', lifecycle_stage: 'active' }).execute();
      });
      // Far below the writer's own threshold: only the thread can have moved the page out of the WAL.
      assert.ok(await until(() => rowsInMainFile(dir, path, 'first') === 1), 'checkpointed into the file');
    } finally {
      await dialect.close();
    }
  });

  it('leaves the checkpoints to the commits when asked to (checkpointThread: false)', async () => {
    const dialect = new SqliteDialect({ path, checkpointThread: false });
    try {
      await dialect.write(async (trx) => {
        await trx.insertInto('experiments').values({ name: 'second', lifecycle_stage: 'active' }).execute();
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(rowsInMainFile(dir, path, 'second'), 0);
      // Committed all the same: in the WAL, where every connection reads it.
      const [row] = await dialect.db
        .selectFrom('experiments')
        .select('name')
        .where('name', '=', 'second')
        .execute();
      assert.equal(row?.name, 'second');
    } finally {
      await dialect.close();
    }
  });

  it('shares a file with another writer process and its checkpoint thread (--workers)', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    const a = new SqliteDialect({ path });
    const b = new SqliteDialect({ path });
    try {
      for (let i = 0; i < 30; i++) {
        await Promise.all(
          [a, b].map((d, j) =>
            d.write(async (trx) => {
              await trx
                .insertInto('experiments')
                .values({ name: `shared-${j}-${i}`, lifecycle_stage: 'active' })
                .execute();
            }),
          ),
        );
        // Past the thread's interval, so every round asks both threads for a checkpoint.
        await new Promise((resolve) => setTimeout(resolve, 110));
      }
      const rows = await a.db
        .selectFrom('experiments')
        .select('name')
        .where('name', 'like', 'shared-%')
        .execute();
      assert.equal(rows.length, 60);
      assert.deepEqual(warnings.map(String), []);
    } finally {
      process.off('warning', onWarning);
      await a.close();
      await b.close();
    }
  });

  it('truncates the WAL to nothing when writes stop, while the writer stays open', async () => {
    const file = join(dir, 'idle.db');
    const writer = new Database(file);
    try {
      writer.pragma('journal_mode = WAL');
      writer.pragma('wal_autocheckpoint = 0');
      writer.exec('CREATE TABLE t (x TEXT)');
      const insert = writer.prepare('INSERT INTO t VALUES (?)');
      for (let i = 0; i < 200; i++) insert.run('x'.repeat(1000));
      assert.ok(statSync(`${file}-wal`).size > 100_000, 'the WAL has grown');
      const checkpointer = new SqliteCheckpointer(file, 100, (err) => assert.fail(String(err)), 200);
      checkpointer.committed();
      assert.ok(checkpointer.running);
      assert.ok(await until(() => !checkpointer.running), 'stopped when idle');
      assert.ok(await until(() => statSync(`${file}-wal`).size === 0), 'WAL truncated');
      assert.equal(writer.prepare('SELECT count(*) FROM t').pluck().get(), 200);
      insert.run('after');
      assert.equal(writer.prepare('SELECT count(*) FROM t').pluck().get(), 201);
      await checkpointer.close();
    } finally {
      writer.close();
    }
  });

  it('reports a thread that cannot run, once, and is quiet afterwards', async () => {
    const failures: unknown[] = [];
    const checkpointer = new SqliteCheckpointer(join(dir, 'missing.db'), 100, (err) => failures.push(err));
    checkpointer.committed();
    assert.ok(await until(() => failures.length === 1), 'failure reported');
    assert.equal(checkpointer.running, false);
    checkpointer.committed();
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(failures.length, 1);
    await checkpointer.close();
  });
});
