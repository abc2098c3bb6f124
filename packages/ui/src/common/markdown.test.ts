import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseInline, parseMarkdown, safeHref } from './markdown.ts';

describe('markdown', () => {
  test('blocks: headings, lists, quotes, code, rules and paragraphs', () => {
    const blocks = parseMarkdown(
      '# Iris\n\nA *small* model.\nSecond line.\n\n- fast\n- `onnx`\n\n1. train\n2. ship\n\n> note\n\n```\n<b>x</b>\n```\n---',
    );
    assert.deepEqual(
      blocks.map((b) => b.t),
      ['h', 'p', 'ul', 'ol', 'quote', 'pre', 'hr'],
    );
    assert.deepEqual(blocks[0], { t: 'h', level: 1, children: [{ t: 'text', text: 'Iris' }] });
    assert.deepEqual(blocks[2], {
      t: 'ul',
      items: [[{ t: 'text', text: 'fast' }], [{ t: 'code', text: 'onnx' }]],
    });
    assert.deepEqual(blocks[5], { t: 'pre', text: '<b>x</b>' });
  });

  test('inline: bold, italic, code, links', () => {
    assert.deepEqual(parseInline('**big** and _it_ `x*y*`'), [
      { t: 'strong', children: [{ t: 'text', text: 'big' }] },
      { t: 'text', text: ' and ' },
      { t: 'em', children: [{ t: 'text', text: 'it' }] },
      { t: 'text', text: ' ' },
      { t: 'code', text: 'x*y*' },
    ]);
    assert.deepEqual(parseInline('see [docs](https://example.org/a) or https://example.org/b.'), [
      { t: 'text', text: 'see ' },
      { t: 'link', href: 'https://example.org/a', children: [{ t: 'text', text: 'docs' }] },
      { t: 'text', text: ' or ' },
      { t: 'link', href: 'https://example.org/b', children: [{ t: 'text', text: 'https://example.org/b' }] },
      { t: 'text', text: '.' },
    ]);
    // snake_case words are not italics; an unclosed marker stays text.
    assert.deepEqual(parseInline('max_depth_5 and *open'), [{ t: 'text', text: 'max_depth_5 and *open' }]);
  });

  test('raw HTML stays text; dangerous link targets lose their link', () => {
    assert.deepEqual(parseInline('<img src=x onerror=alert(1)>'), [
      { t: 'text', text: '<img src=x onerror=alert(1)>' },
    ]);
    assert.deepEqual(parseInline('[click](javascript:alert(1))'), [{ t: 'text', text: 'click' }]);
    assert.deepEqual(parseInline('[x](JaVaScRiPt:alert(1))'), [{ t: 'text', text: 'x' }]);
    for (const bad of ['javascript:alert(1)', ' data:text/html,x', 'vbscript:x', '//evil.example/']) {
      assert.equal(safeHref(bad), null, bad);
    }
    for (const ok of ['https://a.b/c', 'mailto:a@b.c', '/models/x', '#top', './a']) {
      assert.equal(safeHref(ok), ok);
    }
  });
});
