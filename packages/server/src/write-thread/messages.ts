/** What the server and its log-batch write thread say to each other (batch-writer.ts ↔ write-worker.ts). */
import type { KeyValue } from '@mlflow-ts/protocol';
import type { WireError } from '../threads/wire-error.ts';

export interface WriteWorkerData {
  /** The SQLite file the server has opened and migrated. */
  path: string;
  synchronous?: 'NORMAL' | 'FULL';
  busyTimeoutMs?: number;
  checkpointThread?: boolean;
  /** The cross-thread write lock's memory (write-lock.ts). */
  lock: SharedArrayBuffer;
}

/**
 * A batch's metrics by column: each column's buffer moves to the thread without a copy, and a point costs no
 * object to send or to receive. `key` indexes `keys`, a batch's distinct metric keys.
 */
export interface PackedMetrics {
  keys: string[];
  key: Uint32Array;
  value: Float64Array;
  timestamp: Float64Array;
  step: Float64Array;
}

export interface LogBatchMessage {
  id: number;
  runId: string;
  metrics: PackedMetrics;
  params: KeyValue[];
  tags: KeyValue[];
}

export type FromWriteWorker =
  | { type: 'ready' }
  | { type: 'done'; id: number }
  | { type: 'error'; id: number; error: WireError };
