/**
 * Splits a log-batch into requests the server accepts: ≤1000 metrics, ≤100 params, ≤100 tags and ≤1000
 * entities in all (spec §3.1, protocol LIMITS). Params and tags go first, metrics fill the room left, the
 * remaining metrics follow in full chunks — the same packing as the Python client, so request counts match.
 */
import { LIMITS } from '@mlflow-ts/protocol';

export interface BatchChunk<M, KV> {
  metrics: M[];
  params: KV[];
  tags: KV[];
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function splitBatch<M, KV>(
  metrics: readonly M[],
  params: readonly KV[],
  tags: readonly KV[],
): BatchChunk<M, KV>[] {
  const out: BatchChunk<M, KV>[] = [];
  const paramChunks = chunk(params, LIMITS.batchParams);
  const tagChunks = chunk(tags, LIMITS.batchTags);
  let rest = metrics.slice();
  for (let i = 0; i < Math.max(paramChunks.length, tagChunks.length); i++) {
    const p = paramChunks[i] ?? [];
    const t = tagChunks[i] ?? [];
    const room = Math.max(0, Math.min(LIMITS.batchTotal - p.length - t.length, LIMITS.batchMetrics));
    out.push({ metrics: rest.slice(0, room), params: p, tags: t });
    rest = rest.slice(room);
  }
  for (const m of chunk(rest, LIMITS.batchMetrics)) out.push({ metrics: m, params: [], tags: [] });
  return out;
}
