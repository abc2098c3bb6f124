/** Retry timing shared by the REST client and the background logger. */

export interface BackoffOptions {
  /** First delay before jitter; doubles on each attempt. */
  backoffMs: number;
  /** Ceiling for one delay, so a long outage does not turn into hour-long sleeps. */
  maxBackoffMs: number;
}

/**
 * Exponential backoff with "equal jitter" (half fixed, half random): clients that failed together do not
 * retry together, yet the delay never collapses to ~0 the way full jitter can.
 */
export function backoffDelay(
  attempt: number,
  opts: BackoffOptions,
  random: () => number = Math.random,
): number {
  const base = Math.min(opts.maxBackoffMs, opts.backoffMs * 2 ** attempt);
  return base / 2 + random() * (base / 2);
}

/**
 * `Retry-After` in seconds or as an HTTP date (RFC 9110 §10.2.3); null when absent or unparseable.
 * Servers send it with 429/503 to say when capacity is back; honouring it beats guessing.
 */
export function parseRetryAfter(header: string | null, now = Date.now()): number | null {
  if (header === null || header.trim() === '') return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
