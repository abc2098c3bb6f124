/** Renders parsed Markdown (markdown.ts) as React elements: text is always text, never HTML. */
import { Fragment, type ReactNode, useMemo } from 'react';
import { type Block, type Inline, parseMarkdown } from './markdown.ts';

function inline(nodes: Inline[]): ReactNode[] {
  return nodes.map((n, i) => {
    switch (n.t) {
      case 'text':
        // Line breaks inside a paragraph are kept, as people expect in a description box.
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: inline nodes have no other identity.
          <Fragment key={i}>
            {n.text.split('\n').map((part, j) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: lines have no other identity.
              <Fragment key={j}>
                {j > 0 && <br />}
                {part}
              </Fragment>
            ))}
          </Fragment>
        );
      case 'code':
        // biome-ignore lint/suspicious/noArrayIndexKey: inline nodes have no other identity.
        return <code key={i}>{n.text}</code>;
      case 'strong':
        // biome-ignore lint/suspicious/noArrayIndexKey: inline nodes have no other identity.
        return <strong key={i}>{inline(n.children)}</strong>;
      case 'em':
        // biome-ignore lint/suspicious/noArrayIndexKey: inline nodes have no other identity.
        return <em key={i}>{inline(n.children)}</em>;
      default:
        // n is a link here (the switch covers every other kind).
        return (
          // Opens elsewhere without giving the target a handle on this page.
          // biome-ignore lint/suspicious/noArrayIndexKey: inline nodes have no other identity.
          <a key={i} href={n.href} target="_blank" rel="noopener noreferrer nofollow">
            {inline(n.children)}
          </a>
        );
    }
  });
}

function block(b: Block, i: number): ReactNode {
  switch (b.t) {
    case 'p':
      return <p key={i}>{inline(b.children)}</p>;
    case 'h': {
      // Description headings sit below the page's own h1/h2.
      const Tag = `h${Math.min(b.level + 2, 6)}` as 'h3';
      return <Tag key={i}>{inline(b.children)}</Tag>;
    }
    case 'ul':
    case 'ol': {
      const List = b.t;
      return (
        <List key={i}>
          {b.items.map((item, j) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: list items have no other identity.
            <li key={j}>{inline(item)}</li>
          ))}
        </List>
      );
    }
    case 'quote':
      return <blockquote key={i}>{inline(b.children)}</blockquote>;
    case 'pre':
      return (
        <pre key={i}>
          <code>{b.text}</code>
        </pre>
      );
    case 'hr':
      return <hr key={i} />;
  }
}

export function Markdown({ source }: { source: string }) {
  const blocks = useMemo(() => parseMarkdown(source), [source]);
  return <div className="markdown">{blocks.map(block)}</div>;
}
