/**
 * Whole metric histories as the JSON chunks last sent, kept by (run, key) and validated on every use by
 * the number of points the database holds now. Metric rows are only ever inserted (MLflow has no update
 * or delete of a single point; a run's points go only with the run), so an unchanged count means an
 * unchanged history — whichever process or connection wrote it. Charts of long runs ask for the same
 * histories again and again; counting 100,000 points on the history index costs ~1 ms where building
 * their JSON costs ~50 ms.
 */
export class HistoryCache {
  private readonly entries = new Map<string, { count: number; chunks: Uint8Array[]; size: number }>();
  private size = 0;
  /** Requests answered from memory, and those that were (re)built, for diagnostics. */
  hits = 0;
  misses = 0;

  /**
   * A chunk's UTF-8 bytes in shared memory: a read thread posts such a view to the main thread without
   * copying it, however often the history is asked for.
   */
  static sharedBytes(text: string): Uint8Array {
    const bytes = new Uint8Array(new SharedArrayBuffer(Buffer.byteLength(text)));
    Buffer.from(bytes.buffer, 0, bytes.byteLength).write(text);
    return bytes;
  }

  /** Histories with fewer points are rebuilt each time: cheap, and not worth the memory. */
  static readonly MIN_POINTS = 1000;

  constructor(readonly maxBytes: number) {}

  /** The largest single history kept: half the budget, so one history cannot evict all others. */
  get maxEntryBytes(): number {
    return this.maxBytes / 2;
  }

  get(runId: string, key: string, count: number): Uint8Array[] | undefined {
    const id = `${runId}\u0000${key}`;
    const entry = this.entries.get(id);
    if (!entry) {
      this.misses++;
      return undefined;
    }
    this.entries.delete(id);
    if (entry.count !== count) {
      this.size -= entry.size;
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Re-inserted last: Map order is the eviction order, least recently used first.
    this.entries.set(id, entry);
    return entry.chunks;
  }

  get stats(): { hits: number; misses: number; bytes: number; entries: number } {
    return { hits: this.hits, misses: this.misses, bytes: this.size, entries: this.entries.size };
  }

  set(runId: string, key: string, count: number, chunks: Uint8Array[]): void {
    const size = chunks.reduce((n, c) => n + c.byteLength, 0);
    if (size > this.maxEntryBytes) return;
    const id = `${runId}\u0000${key}`;
    const old = this.entries.get(id);
    if (old) {
      this.entries.delete(id);
      this.size -= old.size;
    }
    for (const [oldest, entry] of this.entries) {
      if (this.size + size <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.size -= entry.size;
    }
    this.entries.set(id, { count, chunks, size });
    this.size += size;
  }
}
