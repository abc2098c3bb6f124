/**
 * YAML text the way PyYAML's `yaml.safe_dump(obj, default_flow_style=False)` writes it, which is how Python
 * MLflow writes MLmodel, conda.yaml and python_env.yaml: keys sorted, sequences not indented under their
 * key, YAML 1.1 quoting (so '2024-01-01 10:00:00', 'yes', 'on' stay strings when Python reads them back),
 * and long scalars folded at the first space *after* column 80 (PyYAML overflows, then breaks).
 * Scalar quoting is decided by the `yaml` package with the 1.1 schema; only the folding is done here.
 */
import YAML from 'yaml';

const WIDTH = 80;
let sortKeys = true;

/** `sortKeys: false` for files Python writes with sort_keys=False (python_env.yaml). */
export function dumpPythonYaml(value: unknown, options: { sortKeys?: boolean } = {}): string {
  const lines: string[] = [];
  sortKeys = options.sortKeys ?? true;
  emitBlock(value, 0, lines);
  return `${lines.join('\n')}\n`;
}

export function loadYaml(text: string): unknown {
  // YAML 1.1 so that what Python wrote reads back as Python read it (booleans yes/no, octal...).
  return YAML.parse(text, { version: '1.1' });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCollection(v: unknown): boolean {
  return (Array.isArray(v) && v.length > 0) || (isPlainObject(v) && Object.keys(v).length > 0);
}

function emitBlock(value: unknown, indent: number, lines: string[]): void {
  const pad = ' '.repeat(indent);
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    for (const key of sortKeys ? keys.sort() : keys) {
      const v = value[key];
      if (v === undefined) continue;
      const k = scalar(key, indent, 0);
      if (isCollection(v)) {
        lines.push(`${pad}${k}:`);
        // PyYAML writes a sequence under a mapping key at the key's own indentation.
        emitBlock(v, Array.isArray(v) ? indent : indent + 2, lines);
      } else {
        const prefix = `${pad}${k}: `;
        lines.push(prefix + scalar(v, indent + 2, prefix.length));
      }
    }
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) {
      if (isCollection(item)) {
        const sub: string[] = [];
        emitBlock(item, indent + 2, sub);
        // The first line of the nested block goes after the dash.
        lines.push(`${pad}- ${sub[0]!.slice(indent + 2)}`);
        lines.push(...sub.slice(1));
      } else {
        lines.push(`${pad}- ${scalar(item, indent + 2, indent + 2)}`);
      }
    }
    return;
  }
  lines.push(pad + scalar(value, indent, indent));
}

function scalar(v: unknown, indent: number, column: number): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return '[]';
  if (isPlainObject(v)) return '{}';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return pythonYamlNumber(v);
  if (typeof v === 'bigint') return v.toString();
  const s = String(v);
  const rendered = YAML.stringify(s, { version: '1.1', singleQuote: true, lineWidth: 0 }).replace(/\n$/, '');
  if (rendered.startsWith('"') || rendered.includes('\n')) return rendered;
  // The yaml package's 1.1 schema reads y/n as booleans; PyYAML's resolver does not, so it leaves them plain.
  if (/^'[yYnN]'$/.test(rendered)) return s;
  return fold(rendered, indent, column);
}

function pythonYamlNumber(n: number): string {
  if (Number.isNaN(n)) return '.nan';
  if (n === Number.POSITIVE_INFINITY) return '.inf';
  if (n === Number.NEGATIVE_INFINITY) return '-.inf';
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return String(n);
  return String(n);
}

/** Breaks at a single space once the line has passed WIDTH, continuing at `indent` (PyYAML's rule). */
function fold(text: string, indent: number, startColumn: number): string {
  if (startColumn + text.length <= WIDTH) return text;
  let out = '';
  let column = startColumn;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const breakable =
      ch === ' ' &&
      column > WIDTH &&
      i > 0 &&
      i < text.length - 1 &&
      text[i - 1] !== ' ' &&
      text[i + 1] !== ' ';
    if (breakable) {
      out += `\n${' '.repeat(indent)}`;
      column = indent;
    } else {
      out += ch;
      column++;
    }
    i++;
  }
  return out;
}
