/**
 * Pieces of MLflow's search grammar (spec §4) the UI writes itself: identifiers for order_by and filters,
 * quoted string literals. The filter the user types goes to the server untouched; its errors come back
 * from the server and are shown as they are.
 */

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A key as the grammar accepts it: bare when it is a plain word, else in backticks (or double quotes when it holds a backtick). */
export function quoteKey(key: string): string {
  if (PLAIN_KEY.test(key)) return key;
  return key.includes('`') ? `"${key}"` : `\`${key}\``;
}

/** A string literal: single quotes unless the text holds one (the grammar has no escape sequences). */
export function quoteString(text: string): string {
  return text.includes("'") ? `"${text}"` : `'${text}'`;
}

/** Experiments whose name contains `text`, case-insensitively (upper-case ILIKE: spec §4.0). */
export function experimentNameFilter(text: string): string {
  const t = text.trim();
  return t ? `name ILIKE ${quoteString(`%${t}%`)}` : '';
}

/** Registered models whose name contains `text`. */
export function modelNameFilter(text: string): string {
  const t = text.trim();
  return t ? `name ILIKE ${quoteString(`%${t}%`)}` : '';
}
