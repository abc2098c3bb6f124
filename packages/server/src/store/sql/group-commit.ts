/**
 * Group commit for a single-writer database. Units of work that arrive while a transaction is being
 * assembled share one COMMIT; each runs inside its own SAVEPOINT, so a failing unit is rolled back alone and
 * the others still commit. Every caller is resolved only after the shared COMMIT returns.
 *
 * Why: MLflow's metrics primary key (key, timestamp, step, run_uuid, value, is_nan) scatters each batch over
 * the index; one commit per request rewrites the same index pages again and again (~50k points/s here).
 * Coalescing the requests that are in flight amortises those page writes (architecture §3).
 */
export interface UnitOfWork<C, T> {
  run(conn: C): Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

export interface TransactionControl<C> {
  begin(): Promise<C>;
  savepoint(conn: C): Promise<void>;
  release(conn: C): Promise<void>;
  /** Undo the unit's work and drop its savepoint. */
  rollbackToSavepoint(conn: C): Promise<void>;
  commit(conn: C): Promise<void>;
  rollback(conn: C): Promise<void>;
}

export class GroupCommitQueue<C> {
  // biome-ignore lint/suspicious/noExplicitAny: units of different result types share the queue
  private pending: UnitOfWork<C, any>[] = [];
  private draining = false;

  constructor(
    private readonly control: TransactionControl<C>,
    private readonly maxUnitsPerCommit = 256,
  ) {}

  submit<T>(run: (conn: C) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ run, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        // Not a microtask: the commit waits for one more poll of the sockets, so requests whose bytes arrive
        // meanwhile enqueue their units first and share the commit instead of each paying for one (a commit
        // writes every touched index page to the WAL: ~0.4 ms for 4 runs/create). A second turn raised
        // runs/create at 8 connections by ~8 % (2,900 → 3,150 req/s) and lowered its p50; a third, nothing.
        setImmediate(() => setImmediate(() => void this.drain()));
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, this.maxUnitsPerCommit);
        await this.commitBatch(batch);
      }
    } finally {
      this.draining = false;
    }
  }

  // biome-ignore lint/suspicious/noExplicitAny: see above
  private async commitBatch(batch: UnitOfWork<C, any>[]): Promise<void> {
    let conn: C;
    try {
      conn = await this.control.begin();
    } catch (err) {
      for (const unit of batch) unit.reject(err);
      return;
    }
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      for (const unit of batch) {
        await this.control.savepoint(conn);
        try {
          const value = await unit.run(conn);
          await this.control.release(conn);
          outcomes.push({ ok: true, value });
        } catch (err) {
          await this.control.rollbackToSavepoint(conn);
          outcomes.push({ ok: false, value: err });
        }
      }
      await this.control.commit(conn);
    } catch (err) {
      // The transaction itself failed (e.g. disk full): nothing of this batch is durable.
      await this.control.rollback(conn).catch(() => {});
      for (const unit of batch) unit.reject(err);
      return;
    }
    batch.forEach((unit, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) unit.resolve(outcome.value);
      else unit.reject(outcome.value);
    });
  }
}
