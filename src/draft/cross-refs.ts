/**
 * Cross-references in plain text: set phrases such as "is in <title>", "covered in <title>" or "(see <title>)", the title running to the clause's end.
 * To keep ordinary prose out, a title has 2–12 words and starts with no pronoun or question word (nor an article after a bare "is in").
 * A false positive costs little: a `link:NAME` with no URL in config renders as the same plain text.
 */
const TITLE = String.raw`([^.;,()!?\n—–\[\]]+?)`;
const CLAUSE_END = String.raw`(?=[.!?]["”’')]*(?:\s|$)|[;,()]|\s[—–-]\s|\s*$)`;
const PATTERNS: Array<{ re: RegExp; bareIsIn?: boolean }> = [
  {
    re: new RegExp(
      String.raw`\b(?:explored|covered|discussed|described|explained|detailed|outlined|examined|unpacked|summari[sz]ed|reviewed)\s+(?:(?:in\s+)?(?:more|greater|full|much more)\s+(?:depth|detail)\s+)?(?:in|on)\s+${TITLE}${CLAUSE_END}`,
      'gi',
    ),
  },
  { re: new RegExp(String.raw`\b(?:is|are)\s+in\s+${TITLE}${CLAUSE_END}`, 'gi'), bareIsIn: true },
  { re: new RegExp(String.raw`(?:^|[.!?]\s+|\()\s*see(?:\s+also)?\s+${TITLE}${CLAUSE_END}`, 'gi') },
];

const NOT_A_TITLE_START =
  /^(?:it|its|this|that|these|those|which|what|how|why|whether|when|where|who|you|your|we|they|he|she|i|me|us|them|him|her|detail|depth|more|part|practice|general|addition|fact|short|turn|particular|theory|time|person|order|case|mind|terms|front|place|line|charge|most|some|all|many|each|one|any|every|no|progress|question|doubt|trouble|use|private|public|touch|pain|crisis|danger)\b/i;
const ARTICLE_START = /^(?:the|a|an|this|that|our|my|your|his|her|their)\b/i;

export interface FoundReference {
  phrase: string;
}

function acceptable(phrase: string, bareIsIn: boolean): boolean {
  const words = phrase.split(/\s+/).length;
  if (words < 2 || words > 12) return false;
  if (NOT_A_TITLE_START.test(phrase)) return false;
  return !(bareIsIn && ARTICLE_START.test(phrase));
}

/**
 * Turns each recognised reference into `[phrase](link:NAME)`; `nameFor` gives the name
 * (the same phrase twice gets the same name). Text already inside link syntax is left alone.
 */
export function linkReferences(markdown: string, nameFor: (phrase: string) => string): { markdown: string; found: FoundReference[] } {
  const found: FoundReference[] = [];
  let out = markdown;
  for (const { re, bareIsIn } of PATTERNS) {
    out = out.replace(re, (match: string, raw: string, offset: number, whole: string) => {
      const phrase = raw.trim().replace(/[:]+$/, '');
      const before = whole.slice(0, offset);
      if (!acceptable(phrase, !!bareIsIn) || before.lastIndexOf('[') > before.lastIndexOf(']')) return match;
      found.push({ phrase });
      const at = match.lastIndexOf(raw);
      return `${match.slice(0, at)}${raw.replace(phrase, `[${phrase}](link:${nameFor(phrase)})`)}${match.slice(at + raw.length)}`;
    });
  }
  return { markdown: out, found };
}

/**
 * A config key for a reference: its words up to a colon, without a leading article or a
 * trailing "page"/"article", kebab-cased: "the coaching for physicians page" →
 * `coaching-for-physicians`; "physician burnout: solutions that actually work" → `physician-burnout`.
 */
export function referenceName(phrase: string): string {
  const core = (phrase.split(':')[0] as string)
    .trim()
    .replace(ARTICLE_START, '')
    .replace(/\s+(?:page|article|post|guide|piece|essay|series|section|chapter)$/i, '');
  return kebab(core, 40) || 'reference';
}

export function kebab(text: string, max: number): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug.length <= max) return slug;
  const cut = slug.slice(0, max + 1);
  const dash = cut.lastIndexOf('-');
  return (dash > 0 ? cut.slice(0, dash) : slug.slice(0, max)).replace(/-+$/, '');
}

/**
 * Links whose target is relative (`/articles/x`, `../x.html`, `#part`) work on the author's
 * site but not in an inbox. They become `link:NAME` (named like a reference) so the author
 * can give config the full URL; until then they read as plain text.
 */
export function linkRelativeUrls(markdown: string, nameFor: (phrase: string) => string): { markdown: string; found: Array<{ text: string; href: string }> } {
  const found: Array<{ text: string; href: string }> = [];
  const out = markdown.replace(/(!?)\[([^\]\n]+)\]\(([^)\s]+)\)/g, (match, bang: string, text: string, href: string) => {
    if (bang || /^(?:https?:|mailto:|tel:|link:)/i.test(href)) return match;
    found.push({ text, href });
    return `[${text}](link:${nameFor(text)})`;
  });
  return { markdown: out, found };
}
