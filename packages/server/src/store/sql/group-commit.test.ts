import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { GroupCommitQueue, type TransactionControl } from './group-commit.ts';
import { sqliteTransactionControl } from './sqlite-transaction-control.ts';

type Conn = Database.Database;

/** The served SQLite control on a private in-memory database, counting commits; `counted`: changeCounter. */
function control(db: Conn, counted: boolean): TransactionControl<Conn> & { commits: number } {
  const c: TransactionControl<Conn> & { commits: number } = {
    ...sqliteTransactionControl(db, db, () => {
      c.commits++;
    }),
    commits: 0,
  };
  if (!counted) delete c.changeCounter;
  return c;
}

/** Settled outcomes as the statuses they ended with. */
const statuses = (outcomes: PromiseSettledResult<unknown>[]) => outcomes.map((o) => o.status);

const rows = (db: Conn) =>
  (db.prepare('SELECT name FROM t ORDER BY name').pluck().all() as string[]).join(',');

for (const counted of [true, false]) {
  describe(`group commit, ${counted ? 'units without savepoints' : 'a savepoint per unit'}`, () => {
    let db: Conn;
    let ctl: ReturnType<typeof control>;
    let queue: GroupCommitQueue<Conn>;
    beforeEach(() => {
      db = new Database(':memory:');
      db.exec('CREATE TABLE t (name TEXT PRIMARY KEY)');
      ctl = control(db, counted);
      queue = new GroupCommitQueue(ctl);
    });
    const insert = (conn: Conn, name: string) => conn.prepare('INSERT INTO t (name) VALUES (?)').run(name);

    it('units submitted together share one commit and each gets its own result', async () => {
      const results = await Promise.all(
        ['a', 'b', 'c'].map((n) =>
          queue.submit(async (conn) => {
            insert(conn, n);
            return n.toUpperCase();
          }),
        ),
      );
      assert.deepEqual(results, ['A', 'B', 'C']);
      assert.equal(ctl.commits, 1);
      assert.equal(rows(db), 'a,b,c');
    });

    it('a unit failing before it writes is rejected alone', async () => {
      const runs = { a: 0, c: 0 };
      const outcomes = await Promise.allSettled([
        queue.submit(async (conn) => {
          runs.a++;
          insert(conn, 'a');
        }),
        queue.submit(async (conn) => {
          conn.prepare('SELECT count(*) FROM t').get();
          throw new Error('run not found');
        }),
        queue.submit(async (conn) => {
          runs.c++;
          insert(conn, 'c');
        }),
      ]);
      assert.deepEqual(statuses(outcomes), ['fulfilled', 'rejected', 'fulfilled']);
      assert.equal((outcomes[1] as PromiseRejectedResult).reason.message, 'run not found');
      assert.equal(rows(db), 'a,c');
      assert.equal(ctl.commits, 1);
      assert.deepEqual(runs, { a: 1, c: 1 }, 'no second pass');
    });

    it('a unit whose only statement violates a constraint is rejected alone, the rest commit', async () => {
      db.exec("INSERT INTO t VALUES ('x')");
      const outcomes = await Promise.allSettled([
        queue.submit(async (conn) => void insert(conn, 'a')),
        // A multi-row INSERT whose second row collides: SQLite undoes the first row with the statement.
        queue.submit(async (conn) => void conn.prepare("INSERT INTO t VALUES ('b'), ('x')").run()),
        queue.submit(async (conn) => void insert(conn, 'c')),
      ]);
      assert.deepEqual(statuses(outcomes), ['fulfilled', 'rejected', 'fulfilled']);
      assert.match(String((outcomes[1] as PromiseRejectedResult).reason), /UNIQUE/);
      assert.equal(rows(db), 'a,c,x');
    });

    it('a unit failing after it wrote leaves nothing of its own; the others commit', async () => {
      let aRuns = 0;
      const outcomes = await Promise.allSettled([
        queue.submit(async (conn) => {
          aRuns++;
          insert(conn, 'a');
          return aRuns;
        }),
        queue.submit(async (conn) => {
          insert(conn, 'b1');
          insert(conn, 'b2');
          throw new Error('param conflict');
        }),
        queue.submit(async (conn) => void insert(conn, 'c')),
      ]);
      assert.deepEqual(statuses(outcomes), ['fulfilled', 'rejected', 'fulfilled']);
      assert.equal((outcomes[1] as PromiseRejectedResult).reason.message, 'param conflict');
      assert.equal(rows(db), 'a,c');
      assert.equal(ctl.commits, 1);
      // Without savepoints the batch ran twice, and the caller sees the result of the pass that committed.
      assert.equal(aRuns, counted ? 2 : 1);
      assert.equal((outcomes[0] as PromiseFulfilledResult<number>).value, aRuns);
    });

    it('a unit failing after a schema change leaves no trace of it', async () => {
      const outcomes = await Promise.allSettled([
        queue.submit(async (conn) => void insert(conn, 'a')),
        queue.submit(async (conn) => {
          conn.exec('CREATE INDEX t_name ON t (name)');
          throw new Error('after DDL');
        }),
      ]);
      assert.deepEqual(statuses(outcomes), ['fulfilled', 'rejected']);
      assert.equal(rows(db), 'a');
      assert.equal(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 't_name'").pluck().get(), 0);
    });

    it('the batch after a failed one starts clean', async () => {
      await Promise.allSettled([
        queue.submit(async (conn) => {
          insert(conn, 'a');
          throw new Error('half-way');
        }),
      ]);
      await queue.submit(async (conn) => void insert(conn, 'b'));
      assert.equal(rows(db), 'b');
      assert.equal(db.inTransaction, false);
    });
  });
}
