/**
 * A small YAML writer for `logDict(…, 'x.yaml')`: JSON-shaped data in block style. Strings that could read
 * as something else in YAML (numbers, booleans, null, leading indicators, `: ` or ` #` inside) are written
 * double-quoted, which in YAML is JSON's string syntax, so every value reads back as what was given.
 */
const PLAIN = /^[A-Za-z_./][A-Za-z0-9_ ./()+-]*$/;
const RESERVED = /^(true|false|yes|no|on|off|null|y|n|~)$/i;

function scalar(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '.nan';
    if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
    return String(value);
  }
  if (typeof value === 'boolean') return String(value);
  const s = String(value);
  return PLAIN.test(s) && !RESERVED.test(s) && !s.endsWith(' ') ? s : JSON.stringify(s);
}

function isBlock(value: unknown): value is object {
  return typeof value === 'object' && value !== null && Object.keys(value).length > 0;
}

function lines(value: unknown, indent: string): string[] {
  if (Array.isArray(value)) {
    // Items sit at the parent key's indentation, as PyYAML writes them (artifacts.jsonl seq 15).
    return value.flatMap((item) => {
      if (!isBlock(item)) return [`${indent}- ${isEmpty(item) ?? scalar(item)}`];
      const [first, ...rest] = lines(item, `${indent}  `);
      return [`${indent}- ${first!.trimStart()}`, ...rest];
    });
  }
  return Object.entries(value as Record<string, unknown>).flatMap(([key, item]) => {
    const k = scalar(key);
    if (!isBlock(item)) return [`${indent}${k}: ${isEmpty(item) ?? scalar(item)}`];
    const childIndent = Array.isArray(item) ? indent : `${indent}  `;
    return [`${indent}${k}:`, ...lines(item, childIndent)];
  });
}

function isEmpty(value: unknown): string | undefined {
  if (Array.isArray(value) && value.length === 0) return '[]';
  if (typeof value === 'object' && value !== null && Object.keys(value).length === 0) return '{}';
  return undefined;
}

export function toYaml(value: unknown): string {
  if (!isBlock(value)) return `${isEmpty(value) ?? scalar(value)}\n`;
  return `${lines(value, '').join('\n')}\n`;
}
