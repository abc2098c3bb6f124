/**
 * The log-batch write thread: its own writer connection to the server's SQLite file and group commit, running
 * the batches the main thread has decoded and checked (batch-writer.ts). The main thread's writer takes turns
 * with this one through a lock in shared memory (write-lock.ts), so neither waits in SQLite's busy loop.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { SqlRunStore } from '../store/sql/run-store.ts';
import { SqliteDialect } from '../store/sql/sqlite-dialect.ts';
import { toWireError } from '../threads/wire-error.ts';
import type { FromWriteWorker, LogBatchMessage, WriteWorkerData } from './messages.ts';
import { unpackMetrics } from './packed-metrics.ts';
import { WriteLock } from './write-lock.ts';

if (!parentPort) throw new Error('write-worker.ts runs as a worker thread');
const port: MessagePort = parentPort;
const data = workerData as WriteWorkerData;

const dialect = new SqliteDialect({
  path: data.path,
  synchronous: data.synchronous,
  busyTimeoutMs: data.busyTimeoutMs,
  checkpointThread: data.checkpointThread,
  writeLock: new WriteLock(data.lock, WriteLock.THREAD),
  writerOnly: true,
  // Without SQLite's foreign-key checks, which make every metric INSERT keep a statement journal
  // (sqlite-dialect.ts INSERT_METRIC_SQL). The references hold all the same: this connection runs log-batch
  // units only, and each reads its run (it must exist and be active) in the same transaction, under the
  // write lock, before writing rows that all name that run. Deletes, where MLflow's cascades are, run on the
  // main thread's connection, with the checks on.
  foreignKeys: false,
});
const runs = new SqlRunStore(dialect);

const send = (msg: FromWriteWorker) => port.postMessage(msg);

port.on('message', (msg: LogBatchMessage | 'close') => {
  if (msg === 'close') {
    void dialect.close().finally(() => port.close());
    return;
  }
  runs.logBatch(msg.runId, { metrics: unpackMetrics(msg.metrics), params: msg.params, tags: msg.tags }).then(
    () => send({ type: 'done', id: msg.id }),
    (err: unknown) => send({ type: 'error', id: msg.id, error: toWireError(err) }),
  );
});

send({ type: 'ready' });
