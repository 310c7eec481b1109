import { decodeHTML } from 'entities';
import { compile, type FormatCallback } from 'html-to-text';

/**
 * HTML → Markdown through html-to-text's formatter API: the library parses real-world HTML; these formatters only decide what each element becomes.
 * Text is escaped so an article's `*` or `[` stays literal; scripts, styles, forms and page chrome are skipped.
 * The body is taken from `<article>`, else `<main>`, else `<body>`.
 */
const heading: FormatCallback = (elem, walk, builder, options) => {
  builder.openBlock({ leadingLineBreaks: 2 });
  builder.addLiteral(`${'#'.repeat(Number(options.depth ?? 2))} `);
  walk(elem.children, builder);
  builder.closeBlock({ trailingLineBreaks: 2 });
};

const anchor: FormatCallback = (elem, walk, builder) => {
  const href = (elem.attribs?.href ?? '').trim();
  if (!href || href.startsWith('#') || /^javascript:/i.test(href)) return walk(elem.children, builder);
  builder.addLiteral('[');
  walk(elem.children, builder);
  builder.addLiteral(`](${href.replace(/[\s()]/g, encodeURIComponent)})`);
};

const image: FormatCallback = (elem, _walk, builder) => {
  const src = elem.attribs?.src ?? '';
  // Only absolute https images can load in an email; anything else would be a broken image.
  if (!/^https:\/\//i.test(src)) return;
  const alt = (elem.attribs?.alt ?? '').replace(/[[\]]/g, '');
  builder.addLiteral(`![${alt}](${src.replace(/[\s()]/g, encodeURIComponent)})`);
};

const pre: FormatCallback = (elem, walk, builder) => {
  builder.openBlock({ isPre: true, leadingLineBreaks: 2 });
  builder.addLiteral('```\n');
  walk(elem.children, builder);
  builder.addLiteral('\n```');
  builder.closeBlock({ trailingLineBreaks: 2 });
};

const code: FormatCallback = (elem, walk, builder) => {
  if (elem.parent?.name === 'pre') return walk(elem.children, builder);
  builder.addLiteral('`');
  walk(elem.children, builder);
  builder.addLiteral('`');
};

const surround = (mark: string) => ({ format: 'inlineSurround', options: { prefix: mark, suffix: mark } });
const skipped = [
  'script',
  'style',
  'noscript',
  'template',
  'iframe',
  'object',
  'embed',
  'svg',
  'canvas',
  'form',
  'button',
  'input',
  'select',
  'textarea',
  'nav',
  'footer',
  'aside',
  'head',
];

const options = (base: string) => ({
  wordwrap: false as const,
  baseElements: { selectors: [base], returnDomByDefault: true },
  limits: { maxBaseElements: 1, maxInputLength: 20_000_000 },
  encodeCharacters: { '\\': '\\\\', '*': '\\*', _: '\\_', '`': '\\`', '[': '\\[', ']': '\\]', '<': '\\<', '#': '\\#' },
  formatters: { heading, anchor, image, pre, code },
  selectors: [
    ...[1, 2, 3, 4, 5, 6].map((depth) => ({ selector: `h${depth}`, format: 'heading', options: { depth } })),
    { selector: 'a', format: 'anchor' },
    { selector: 'img', format: 'image' },
    { selector: 'pre', format: 'pre' },
    { selector: 'code', format: 'code' },
    { selector: 'strong', ...surround('**') },
    { selector: 'b', ...surround('**') },
    { selector: 'em', ...surround('*') },
    { selector: 'i', ...surround('*') },
    { selector: 'ul', format: 'unorderedList', options: { itemPrefix: '- ' } },
    { selector: 'hr', format: 'blockString', options: { string: '---' } },
    ...skipped.map((selector) => ({ selector, format: 'skip' })),
  ],
});

/** html-to-text takes the first base element in document order, so the choice is made here. */
const converters = new Map<string, (html: string) => string>();
function converterFor(html: string): (html: string) => string {
  const base = /<article[\s>]/i.test(html) ? 'article' : /<main[\s>]/i.test(html) ? 'main' : 'body';
  let convert = converters.get(base);
  if (!convert) converters.set(base, (convert = compile(options(base))));
  return convert;
}

export function htmlToMarkdown(html: string): string {
  return converterFor(html)(html).trim();
}

/** `<title>` without a trailing " | Site name", for when the page has no `<h1>`. */
export function htmlTitle(html: string): string | undefined {
  const m = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html);
  if (!m) return undefined;
  const title = decodeHTML(m[1] as string)
    .replace(/\s+/g, ' ')
    .trim()
    .split(/\s[|–—-]\s/)[0]
    ?.trim();
  return title || undefined;
}
