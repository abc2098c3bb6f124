/** Helpers for loading children of many rows at once: IN lists in bounded chunks, rows grouped by parent. */

/** `items` in slices of at most `size` (IN lists must stay inside the databases' bound-parameter limits). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Appends `value` to the list kept under `id`. */
export function group<K, V>(map: Map<K, V[]>, id: K, value: V): void {
  const list = map.get(id);
  if (list) list.push(value);
  else map.set(id, [value]);
}
