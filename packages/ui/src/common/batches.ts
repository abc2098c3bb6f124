/** `items` cut into consecutive groups of at most `size` (the last one may be shorter). */
export function batches<T>(items: readonly T[], size: number): T[][] {
  if (!(size >= 1)) throw new RangeError(`batch size must be at least 1, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
