/**
 * A decimal number read straight from request or file text, for the fast numeric paths (fast-split.ts,
 * fast-csv.ts). Gives exactly the double JSON.parse / Number() give: short mantissas are computed here,
 * the rest is handed to the engine.
 */

// 10^k for k ≤ 22 are exact doubles, so m / 10^k with an integer m ≤ 2^53 is correctly rounded.
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
const MAX_EXACT = 2 ** 53;

/** Where the last scanNumber call stopped (one past the number). */
export let numberEnd = 0;

/**
 * The number at text[start]: JSON's grammar, or with `csv` also a leading '+', leading zeros and a
 * trailing '.' (forms Number() accepts). NaN when there is no such number there (a NaN never comes
 * from a valid number, so it is a safe "not mine").
 */
export function scanNumber(text: string, start: number, csv: boolean): number {
  let i = start;
  let neg = false;
  let c = text.charCodeAt(i);
  if (c === 45 || (csv && c === 43)) {
    neg = c === 45;
    c = text.charCodeAt(++i);
  }
  let m = 0;
  let frac = 0;
  const intStart = i;
  if (c === 48 && !csv) {
    c = text.charCodeAt(++i);
  } else {
    for (; c >= 48 && c <= 57; c = text.charCodeAt(++i)) m = m * 10 + (c - 48);
  }
  const intDigits = i - intStart;
  if (intDigits === 0) return Number.NaN;
  if (c === 46) {
    c = text.charCodeAt(++i);
    const fracStart = i;
    for (; c >= 48 && c <= 57; c = text.charCodeAt(++i)) m = m * 10 + (c - 48);
    frac = i - fracStart;
    if (frac === 0 && !csv) return Number.NaN;
  }
  if (c === 101 || c === 69) {
    c = text.charCodeAt(++i);
    if (c === 43 || c === 45) c = text.charCodeAt(++i);
    if (!(c >= 48 && c <= 57)) return Number.NaN;
    while (c >= 48 && c <= 57) c = text.charCodeAt(++i);
    numberEnd = i;
    return Number(text.slice(start, i)); // exponents: let the engine round them
  }
  numberEnd = i;
  // m was built exactly while it stayed ≤ 2^53 (it only grows, so a final m ≤ 2^53 was exact all along).
  if (m > MAX_EXACT || frac > 22) return Number(text.slice(start, i));
  const v = frac === 0 ? m : m / POW10[frac]!;
  return neg ? -v : v;
}

// The row-major numbers of one request or chunk, before they are split into columns. Scanning is
// synchronous, so one buffer per thread is reused: a fresh worst-case buffer per request (one double
// per two characters of text) was ~95 KB of short-lived memory for each 1,000-row request.
const KEEP = 1 << 20; // doubles (8 MB) kept between calls at most; a larger one is dropped after use
let scratch = new Float64Array(1 << 14);

/** The reusable buffer (contents undefined); valid until the next call on this thread. */
export function scratchBuffer(): Float64Array {
  return scratch;
}

/** A buffer twice as large holding the first `count` values of `buf`. */
export function growBuffer(buf: Float64Array, count: number): Float64Array {
  const next = new Float64Array(buf.length * 2);
  next.set(buf.subarray(0, count));
  if (next.length <= KEEP) scratch = next;
  return next;
}
