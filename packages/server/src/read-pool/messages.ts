/** What the server and its read threads say to each other (read-pool.ts ↔ read-worker.ts). */
import type { WireError } from '../threads/wire-error.ts';

/** Tracking reads a read thread answers: the ones whose cost grows with the data (searches, histories). */
export const POOLED_RPCS = [
  'searchRuns',
  'searchExperiments',
  'listExperiments',
  'searchDatasets',
  'getMetricHistory',
  'getMetricHistoryBulk',
  'getMetricHistoryBulkInterval',
] as const;
export type PooledRpc = (typeof POOLED_RPCS)[number];

export interface ReadWorkerData {
  /** The SQLite file the server's writer has opened and migrated. */
  path: string;
  defaultArtifactRoot: string;
  /** Bytes of metric-history JSON this thread may keep (0: no cache). */
  historyCacheBytes: number;
  /** `mmap_size` of the thread's connection (undefined: the dialect's default). */
  mmapBytes?: number;
}

export type ToWorker =
  | { type: 'call'; id: number; rpc: PooledRpc; request: unknown }
  /** The server has taken a streamed chunk and wants the next one. */
  | { type: 'more'; id: number }
  /** The client of a streamed call went away: stop it. */
  | { type: 'cancel'; id: number };

export type FromWorker =
  | { type: 'ready' }
  /** The whole response body, UTF-8 encoded by the thread and transferred (not copied) to the server. */
  | { type: 'body'; id: number; bytes: Uint8Array }
  /**
   * One piece of a streamed body, as text or as bytes (in shared memory when they come from the history
   * cache, so posting them copies nothing); the next comes after a `more`.
   */
  | { type: 'chunk'; id: number; text: string | Uint8Array }
  | { type: 'end'; id: number }
  | { type: 'error'; id: number; error: WireError };
