/**
 * JSON text the way Python's `json.dumps` writes it with default separators (`", "`, `": "`), so signature
 * strings and input_example.json files we write are byte-identical to what Python MLflow writes for the
 * same values (spec §5.3: signature fields are JSON strings inside MLmodel).
 */
export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return jsonString(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'number':
      return pythonFloatOrInt(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
      const parts: string[] = [];
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v === undefined) continue;
        parts.push(`${jsonString(k)}: ${pythonJson(v)}`);
      }
      return `{${parts.join(', ')}}`;
    }
    default:
      return 'null';
  }
}

/** Python escapes every non-ASCII character (ensure_ascii=True); JSON.stringify does not. */
function jsonString(s: string): string {
  return JSON.stringify(s).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** NaN/Infinity as Python writes them (json.dumps allows them by default). */
function pythonFloatOrInt(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Number.POSITIVE_INFINITY) return 'Infinity';
  if (n === Number.NEGATIVE_INFINITY) return '-Infinity';
  return String(n);
}
