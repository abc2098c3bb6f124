// The app the replays and protocol tests talk to: createTestApp() with a strictly increasing clock. The
// recordings were made at client speed, so every experiment got its own creation_time; an in-process
// replay creates several in one millisecond, and equal times would reorder `experiments/search` results
// ordered by time (ties break by id). Real times, never equal.
import { createTestApp, type TestApp } from './app.ts';
import type { Dialect } from './databases.ts';

export type ReplayApp = TestApp;

export function monotonicClock(): () => number {
  let last = 0;
  return () => {
    last = Math.max(Date.now(), last + 1);
    return last;
  };
}

/** `bodyLimit` tests oversized bodies without sending 64 MB. */
export function createReplayApp(dialect: Dialect, options: { bodyLimit?: number } = {}): Promise<ReplayApp> {
  return createTestApp(dialect, { now: monotonicClock(), bodyLimit: options.bodyLimit });
}
