/**
 * The `signature` of an MLmodel file (spec §15): inputs, outputs and params, each a JSON list that the
 * YAML holds as a quoted string, often folded over several lines. Only that part of the YAML is read.
 */

export interface SignatureColumn {
  name: string;
  /** A column's type (`double`, `string`, …) or a tensor's dtype and shape, e.g. `float32 (-1, 4)`. */
  type: string;
  required: boolean;
}

export interface ModelSignature {
  inputs: SignatureColumn[];
  outputs: SignatureColumn[];
  params: (SignatureColumn & { default: string })[];
}

/** Index of the quote closing a scalar that opens at 0, or -1: `''` escapes in single quotes, `\` in double. */
function closingQuote(text: string, quote: string): number {
  for (let i = 1; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') i++;
    else if (text[i] === quote) {
      if (quote === "'" && text[i + 1] === "'") i++;
      else return i;
    }
  }
  return -1;
}

/** The scalar after `key:` under `signature:`, unquoted, or undefined when absent. */
function signatureField(lines: string[], key: string): string | undefined {
  const start = lines.findIndex((l) => /^signature:\s*$/.test(l));
  if (start < 0) return undefined;
  for (let i = start + 1; i < lines.length && /^\s+\S|^\s*$/.test(lines[i]!); i++) {
    const m = new RegExp(`^\\s+${key}:\\s*(.*)$`).exec(lines[i]!);
    if (!m) continue;
    let text = m[1]!;
    const quote = text[0];
    if (quote !== "'" && quote !== '"') return text === 'null' || text === '' ? undefined : text;
    // A quoted scalar runs until its closing quote; folded lines join with a space (YAML line folding).
    let end = closingQuote(text, quote);
    while (end < 0 && i + 1 < lines.length) {
      text += ` ${lines[++i]!.trim()}`;
      end = closingQuote(text, quote);
    }
    const body = text.slice(1, end < 0 ? undefined : end);
    return quote === "'" ? body.replace(/''/g, "'") : (JSON.parse(`"${body}"`) as string);
  }
  return undefined;
}

function describeType(spec: Record<string, unknown>): string {
  if (spec.type === 'tensor') {
    const t = (spec['tensor-spec'] ?? {}) as { dtype?: string; shape?: unknown[] };
    return `tensor ${t.dtype ?? '?'} (${(t.shape ?? []).join(', ')})`;
  }
  if (spec.type === 'array' && spec.items && typeof spec.items === 'object') {
    return `array<${describeType(spec.items as Record<string, unknown>)}>`;
  }
  if (spec.type === 'object' && Array.isArray(spec.properties)) return 'object';
  return String(spec.type ?? '?');
}

function columns(json: string | undefined): Record<string, unknown>[] {
  if (!json) return [];
  const parsed = JSON.parse(json) as unknown;
  return Array.isArray(parsed) ? (parsed as Record<string, unknown>[]) : [];
}

/** The signature of an MLmodel text, or null when it has none. Throws on a signature that is not JSON. */
export function parseSignature(mlmodel: string): ModelSignature | null {
  const lines = mlmodel.replace(/\r\n?/g, '\n').split('\n');
  const inputs = signatureField(lines, 'inputs');
  const outputs = signatureField(lines, 'outputs');
  const params = signatureField(lines, 'params');
  if (inputs === undefined && outputs === undefined && params === undefined) return null;
  const column = (c: Record<string, unknown>, i: number): SignatureColumn => ({
    // Tensor-based and unnamed columns have no name: MLflow shows their position.
    name: typeof c.name === 'string' ? c.name : `[${i}]`,
    type: describeType(c),
    required: c.required !== false,
  });
  return {
    inputs: columns(inputs).map(column),
    outputs: columns(outputs).map(column),
    params: columns(params).map((p, i) => ({
      ...column(p, i),
      default: p.default === undefined ? '' : JSON.stringify(p.default),
    })),
  };
}
