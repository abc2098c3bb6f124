/**
 * The SQLite write lock between the server's two writer connections in one process: the main thread's and the
 * log-batch write thread's. SQLite would keep them apart by itself, but a writer that finds the file locked
 * sleeps in SQLite's busy handler, blocking its thread for milliseconds at a time and retrying at random; a
 * main thread asleep there answers nobody. Here a writer waits for its turn without blocking
 * (`Atomics.waitAsync`), and the one that releases hands the lock straight to the other if it is waiting, so
 * neither starves behind the other's stream of commits.
 *
 * Two parties, in an Int32Array over shared memory: [0] the owner (0: free, else the party), [1] a bit per
 * party that waits.
 */
const OWNER = 0;
const WAITING = 1;

export class WriteLock {
  static readonly MAIN = 1;
  static readonly THREAD = 2;

  static memory(): SharedArrayBuffer {
    return new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
  }

  private readonly cells: Int32Array;
  private readonly other: number;

  constructor(
    memory: SharedArrayBuffer,
    private readonly me: number,
  ) {
    this.cells = new Int32Array(memory);
    this.other = me === WriteLock.MAIN ? WriteLock.THREAD : WriteLock.MAIN;
  }

  /** Resolves once this party holds the lock. */
  async acquire(): Promise<void> {
    const c = this.cells;
    const bit = 1 << this.me;
    for (;;) {
      if (this.tryTake()) return;
      Atomics.or(c, WAITING, bit);
      // Released between the attempt and the flag: take it now (or it was handed to us).
      if (this.tryTake()) {
        Atomics.and(c, WAITING, ~bit);
        return;
      }
      const owner = Atomics.load(c, OWNER);
      if (owner === this.me) return;
      const wait = Atomics.waitAsync(c, OWNER, owner);
      if (wait.async) await wait.value;
    }
  }

  /** Free, or handed to us by the other party. */
  private tryTake(): boolean {
    const owner = Atomics.compareExchange(this.cells, OWNER, 0, this.me);
    return owner === 0 || owner === this.me;
  }

  release(): void {
    this.releaseFor(this.me);
  }

  /**
   * Releases on behalf of `party` if it holds the lock: the main thread does this for a write thread that
   * died holding it.
   */
  releaseFor(party: number): void {
    const c = this.cells;
    const other = party === WriteLock.MAIN ? WriteLock.THREAD : WriteLock.MAIN;
    const otherBit = 1 << other;
    Atomics.and(c, WAITING, ~(1 << party));
    if (Atomics.load(c, OWNER) !== party) return;
    if (Atomics.load(c, WAITING) & otherBit) {
      Atomics.and(c, WAITING, ~otherBit);
      Atomics.store(c, OWNER, other);
    } else {
      Atomics.store(c, OWNER, 0);
    }
    Atomics.notify(c, OWNER);
  }

  /** The party holding the lock (0: none), for tests and diagnostics. */
  get owner(): number {
    return Atomics.load(this.cells, OWNER);
  }

  /** Whether the other party is waiting for the lock. */
  get contended(): boolean {
    return (Atomics.load(this.cells, WAITING) & (1 << this.other)) !== 0;
  }
}
