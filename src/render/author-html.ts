import sanitizeHtml from 'sanitize-html';
import { emailStyles as s } from './styles.ts';

/**
 * What an author's Markdown may carry as HTML into an email: text structure, links, images and tables. Everything else goes (scripts, styles,
 * forms, frames, head tags, event handlers, classes, ids), so nothing in a lesson can run in an inbox or reach the footer that follows it.
 */
export const AUTHOR_TAGS = new Set([
  'p',
  'br',
  'strong',
  'b',
  'em',
  'i',
  'u',
  's',
  'del',
  'ins',
  'sub',
  'sup',
  'code',
  'pre',
  'span',
  'div',
  'abbr',
  'cite',
  'q',
  'mark',
  'a',
  'img',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'ul',
  'ol',
  'li',
  'dl',
  'dt',
  'dd',
  'blockquote',
  'hr',
  'figure',
  'figcaption',
  'table',
  'caption',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'th',
  'td',
]);

/** `data-cm-break` is the Markdown renderer's mark for a link whose text is one long word. */
export const AUTHOR_ATTRIBUTES: Record<string, string[]> = {
  a: ['href', 'title', 'data-cm-break'],
  img: ['src', 'alt', 'title', 'width', 'height'],
  abbr: ['title'],
  ol: ['start'],
  td: ['colspan', 'rowspan'],
  th: ['colspan', 'rowspan'],
};

const AUTHOR_SCHEMES = ['http', 'https', 'mailto', 'tel', 'sms'];
const IMAGE_SCHEMES = ['https', 'http'];

/** Elements removed together with what they hold: their text is code, a document head or a widget. */
export const DROPPED_WITH_CONTENT = [
  'script',
  'style',
  'template',
  'title',
  'textarea',
  'noscript',
  'iframe',
  'object',
  'embed',
  'select',
  'option',
  'svg',
  'math',
  'head',
  'xmp',
  'noembed',
  'noframes',
];

/** `cmph0x`: a protected `{{placeholder}}` standing in for a URL until rendering is done. */
const PLACEHOLDER_TOKEN = /^cmph\d+x$/;

/** Whether a URL may stay: one of the schemes, or a placeholder the fill will supply. */
export function allowedUrl(url: string, tag: string): boolean {
  const value = url.trim();
  if (PLACEHOLDER_TOKEN.test(value)) return true;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1]?.toLowerCase();
  return !!scheme && (tag === 'img' ? IMAGE_SCHEMES : AUTHOR_SCHEMES).includes(scheme);
}

/**
 * The templates' styles, by element: author `style` attributes are dropped, so the only
 * styles in the author's block are these, which never hide or shrink text.
 */
const STYLE: Record<string, string> = {
  p: s.paragraph,
  h2: s.h2,
  h3: s.h3,
  ul: s.list,
  ol: s.list,
  li: s.listItem,
  blockquote: s.blockquote,
  hr: s.hr,
  img: 'max-width:100%;height:auto',
  a: s.link,
};
const HEADING: Record<string, string> = { h1: 'h2', h4: 'h3', h5: 'h3', h6: 'h3' };

function restyle(name: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag {
  const tagName = HEADING[name] ?? name;
  const { style: _authorStyle, ...kept } = attribs;
  for (const attr of ['href', 'src'] as const) {
    if (kept[attr] !== undefined && !allowedUrl(kept[attr], tagName)) delete kept[attr];
  }
  const style = tagName === 'a' && 'data-cm-break' in kept ? s.addressLink : STYLE[tagName];
  delete kept['data-cm-break'];
  return { tagName, attribs: style ? { ...kept, style } : kept };
}

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [...AUTHOR_TAGS],
  allowedAttributes: Object.fromEntries([...AUTHOR_TAGS].map((t) => [t, [...(AUTHOR_ATTRIBUTES[t] ?? []), 'style']])),
  allowedSchemes: AUTHOR_SCHEMES,
  allowedSchemesByTag: { img: IMAGE_SCHEMES },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  nonTextTags: DROPPED_WITH_CONTENT,
  transformTags: { '*': restyle },
  // The templates' styles are trusted as they are; sanitize-html would otherwise re-parse them.
  parseStyleAttributes: false,
};

/**
 * The author's block (rendered Markdown) made safe for an email. One pass over the whole
 * block: tags left open are closed at its end, an open comment ends with it, so what
 * follows (the call to action, the footer) is the templates' own, outside any author element.
 */
export function sanitizeAuthorHtml(html: string): string {
  return sanitizeHtml(html, OPTIONS);
}
