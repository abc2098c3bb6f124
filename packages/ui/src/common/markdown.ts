/**
 * The Markdown people write in descriptions, parsed into a small tree that markdown-view.tsx turns into
 * React elements. It never produces HTML text: raw HTML in the source stays literal text (React escapes
 * it), and links keep only http(s), mailto and same-site targets, so a description cannot run script.
 *
 * Blocks: paragraphs, # headings (1–6), - / * / + and 1. lists (one level), > quotes, ``` fenced code,
 * --- rules. Inline: `code`, **bold**, *italic* / _italic_, [text](url), and bare http(s) URLs.
 */

export type Inline =
  | { t: 'text'; text: string }
  | { t: 'code'; text: string }
  | { t: 'strong'; children: Inline[] }
  | { t: 'em'; children: Inline[] }
  | { t: 'link'; href: string; children: Inline[] };

export type Block =
  | { t: 'p'; children: Inline[] }
  | { t: 'h'; level: number; children: Inline[] }
  | { t: 'ul' | 'ol'; items: Inline[][] }
  | { t: 'quote'; children: Inline[] }
  | { t: 'pre'; text: string }
  | { t: 'hr' };

/** A link target that is safe to put in href, or null (javascript:, data:, vbscript:, …). */
export function safeHref(url: string): string | null {
  const u = url.trim();
  if (/^(https?:|mailto:)/i.test(u)) return u;
  // Relative links within this site; "//host" would leave it, and any other scheme is refused.
  if (/^(\/(?!\/)|#|\?|\.{1,2}\/)/.test(u)) return u;
  return null;
}

const LIST_ITEM = /^\s*(?:([-*+])|(\d{1,9})[.)])\s+(.*)$/;

export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '') {
      i++;
      continue;
    }
    const fence = /^\s*(```|~~~)/.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i]!.trimStart().startsWith(fence[1]!)) body.push(lines[i++]!);
      i++; // the closing fence (or the end)
      blocks.push({ t: 'pre', text: body.join('\n') });
      continue;
    }
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      blocks.push({ t: 'h', level: heading[1]!.length, children: parseInline(heading[2]!) });
      i++;
      continue;
    }
    if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) {
      blocks.push({ t: 'hr' });
      i++;
      continue;
    }
    if (/^\s*>/.test(line)) {
      const body: string[] = [];
      while (i < lines.length && /^\s*>/.test(lines[i]!)) body.push(lines[i++]!.replace(/^\s*>\s?/, ''));
      blocks.push({ t: 'quote', children: parseInline(body.join('\n')) });
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      const ordered = item[2] !== undefined;
      const items: string[] = [];
      while (i < lines.length) {
        const m = LIST_ITEM.exec(lines[i]!);
        if (m && (m[2] !== undefined) === ordered) items.push(m[3]!);
        else if (items.length && lines[i]!.trim() !== '' && /^\s+/.test(lines[i]!)) {
          items[items.length - 1] += `\n${lines[i]!.trim()}`; // a continuation line of the item
        } else break;
        i++;
      }
      blocks.push({ t: ordered ? 'ol' : 'ul', items: items.map(parseInline) });
      continue;
    }
    const para: string[] = [];
    while (
      i < lines.length &&
      lines[i]!.trim() !== '' &&
      !/^\s*(```|~~~|#{1,6}\s|>)/.test(lines[i]!) &&
      !LIST_ITEM.exec(lines[i]!)
    ) {
      para.push(lines[i++]!.trim());
    }
    blocks.push({ t: 'p', children: parseInline(para.join('\n')) });
  }
  return blocks;
}

/** Inline markup, left to right; whatever does not close is kept as text. */
export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let plain = '';
  const flush = () => {
    if (plain) out.push({ t: 'text', text: plain });
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const code = /^`([^`]+)`/.exec(rest);
    if (code) {
      flush();
      out.push({ t: 'code', text: code[1]! });
      i += code[0].length;
      continue;
    }
    const strong = /^(\*\*|__)(?=\S)([\s\S]*?\S)\1/.exec(rest);
    if (strong) {
      flush();
      out.push({ t: 'strong', children: parseInline(strong[2]!) });
      i += strong[0].length;
      continue;
    }
    const em = /^([*_])(?=\S)([\s\S]*?\S)\1(?![*_])/.exec(rest);
    if (em && !(em[1] === '_' && /\w/.test(text[i - 1] ?? ''))) {
      flush();
      out.push({ t: 'em', children: parseInline(em[2]!) });
      i += em[0].length;
      continue;
    }
    // The target may hold one level of balanced parentheses (wiki URLs, and `alert(1)` must not leak).
    const link = /^\[([^\]]+)\]\(((?:[^()\s]|\([^()\s]*\))+)(?:\s+"[^"]*")?\)/.exec(rest);
    if (link) {
      flush();
      const href = safeHref(link[2]!);
      // A refused target keeps its text, without a link.
      if (href) out.push({ t: 'link', href, children: parseInline(link[1]!) });
      else out.push(...parseInline(link[1]!));
      i += link[0].length;
      continue;
    }
    const bare = /^https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"]/.exec(rest);
    if (bare && !/\w/.test(text[i - 1] ?? '')) {
      flush();
      out.push({ t: 'link', href: bare[0], children: [{ t: 'text', text: bare[0] }] });
      i += bare[0].length;
      continue;
    }
    plain += text[i];
    i++;
  }
  flush();
  return out;
}
