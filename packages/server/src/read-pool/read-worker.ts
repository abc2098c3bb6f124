/**
 * A read thread: its own read-only SQLite connection and the tracking service's read methods. It answers
 * with finished JSON text, so the server's main thread only moves bytes between sockets and threads.
 * SQLite in WAL mode lets these connections read while the main thread's connection writes; a read
 * started after a write was acknowledged sees it (the write is committed before it is acknowledged).
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { isStreamedJson, JsonText } from '../services/json-body.ts';
import { TrackingService } from '../services/tracking-service.ts';
import { SqlTrackingStore } from '../store/sql/sql-tracking-store.ts';
import { SqliteDialect } from '../store/sql/sqlite-dialect.ts';
import { toWireError } from '../threads/wire-error.ts';
import type { FromWorker, ReadWorkerData, ToWorker } from './messages.ts';

if (!parentPort) throw new Error('read-worker.ts runs as a worker thread');
const port: MessagePort = parentPort;
const data = workerData as ReadWorkerData;

const store = new SqlTrackingStore(
  new SqliteDialect({ path: data.path, readOnly: true, mmapBytes: data.mmapBytes }),
  {
    defaultArtifactRoot: data.defaultArtifactRoot,
    historyCacheBytes: data.historyCacheBytes,
  },
);
const tracking = new TrackingService(store);

const send = (msg: FromWorker) => port.postMessage(msg);
const encoder = new TextEncoder();

/** Encoding here spares the main thread; the bytes' own buffer moves to it without a copy. */
function sendBody(id: number, text: string | Uint8Array): void {
  const bytes = typeof text === 'string' ? encoder.encode(text) : text;
  const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  const transfer = own && bytes.buffer instanceof ArrayBuffer ? [bytes.buffer] : [];
  port.postMessage({ type: 'body', id, bytes } satisfies FromWorker, transfer);
}
/** Streams waiting for the server to take their last chunk, by call id: resolve(false) stops one. */
const waiting = new Map<number, (more: boolean) => void>();

async function answer(id: number, rpc: string, request: unknown): Promise<void> {
  const method = (tracking as unknown as Record<string, (r: unknown) => Promise<unknown>>)[rpc];
  if (typeof method !== 'function') throw new Error(`read thread has no method ${rpc}`);
  const result = await method.call(tracking, request);
  if (result instanceof JsonText) {
    sendBody(id, result.text);
  } else if (isStreamedJson(result)) {
    // One chunk in flight per stream: a slow client holds back the database reads, not server memory.
    for await (const text of result.stream) {
      const more = await new Promise<boolean>((resolve) => {
        waiting.set(id, resolve);
        send({ type: 'chunk', id, text });
      });
      // The client went away: stop reading (leaving the loop closes the store's iterator).
      if (!more) return;
    }
    send({ type: 'end', id });
  } else {
    sendBody(id, JSON.stringify(result));
  }
}

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'more' || msg.type === 'cancel') {
    const resume = waiting.get(msg.id);
    waiting.delete(msg.id);
    resume?.(msg.type === 'more');
    return;
  }
  answer(msg.id, msg.rpc, msg.request).catch((err: unknown) => {
    waiting.delete(msg.id);
    send({ type: 'error', id: msg.id, error: toWireError(err) });
  });
});

send({ type: 'ready' });
