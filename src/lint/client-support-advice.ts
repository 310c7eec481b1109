import type { ClientSupportIssue } from './client-support.ts';

/** caniemail's client ids as people say them. */
const CLIENT_NAMES: Record<string, string> = {
  'gmail.desktop-webmail': 'Gmail (web)',
  'gmail.mobile-webmail': 'Gmail (mobile web)',
  'gmail.android': 'Gmail for Android',
  'gmail.ios': 'Gmail for iPhone',
  'outlook.windows': 'Outlook for Windows',
  'outlook.macos': 'Outlook for Mac',
  'outlook.outlook-com': 'Outlook.com',
  'apple-mail.ios': 'Apple Mail on iPhone',
  'apple-mail.macos': 'Apple Mail on Mac',
  'yahoo.desktop-webmail': 'Yahoo Mail (web)',
};

export const clientName = (id: string) => CLIENT_NAMES[id] ?? id;

/** The preview line is hidden by several rules at once (react-email and MJML do this): every app honours one. */
const HIDES_PREVIEW = 'Part of hiding the inbox preview line inside the email; each app honours at least one of the rules used together, so it stays hidden.';
const STYLE_BLOCK = 'ignores the email’s style block: the phone-width and dark-mode rules do not apply there, and the email shows with its inline styles.';

/** Features the templates use on purpose, knowing some apps ignore them: why that is fine. */
const HARMLESS: Record<string, string> = {
  'color-scheme meta tag':
    'Tells apps that honour it the email has its own dark styles; the others ignore it and show the light version, or invert it themselves.',
  'target attribute': 'Links open in a new tab or window either way.',
  cursor: 'Only changes the mouse pointer over a link or button.',
  '<body> element': 'The app wraps the email in its own page; the content and the footer are unchanged.',
  'display:none': HIDES_PREVIEW,
  opacity: HIDES_PREVIEW,
  'max-height property': HIDES_PREVIEW,
  overflow: HIDES_PREVIEW,
  outline: 'Only the focus ring around a link pressed with the keyboard.',
  'lang attribute': 'Only screen readers use it, and they read the document’s language from the top of the email.',
  'role attribute': 'Layout tables are marked for screen readers; where ignored, they read the text as text anyway.',
  '!important keyword': 'Used only inside the dark-mode and phone-width rules, which these apps do not run anyway.',
};

/** Plain words for what a reader would see differently, where caniemail's title is jargon. */
const DIFFERS: Record<string, string> = {
  'border-radius': 'Rounded corners (the button) show square.',
  '<style> element': `The app ${STYLE_BLOCK}`,
  '@media': `The app ${STYLE_BLOCK}`,
  'Class selector': `The app ${STYLE_BLOCK}`,
  'Type selector': `The app ${STYLE_BLOCK}`,
  'ID selector': `The app ${STYLE_BLOCK}`,
  'Descendant combinator': `The app ${STYLE_BLOCK}`,
  'Chaining selectors': `The app ${STYLE_BLOCK}`,
  'word-break': 'A long link may not wrap, and can widen the email on a phone.',
  'word-spacing': 'Spacing between words may differ slightly.',
  'text-decoration-line': 'Underlines on links may look slightly different.',
  'height property': 'A fixed height becomes a minimum height; spacing may differ slightly.',
  '@media (prefers-color-scheme)': 'The email’s own dark styles are ignored; the app shows the light version or inverts it.',
};

export interface SupportAdvice {
  /** `differs`: a reader of that app sees something different; `harmless`: by design; `partial`: small caveats. */
  group: 'differs' | 'harmless' | 'partial';
  /** What it means, in plain words. */
  words: string;
}

export function adviceFor(issue: ClientSupportIssue): SupportAdvice {
  const harmless = HARMLESS[issue.feature];
  if (harmless) return { group: 'harmless', words: harmless };
  if (issue.support === 'partial') return { group: 'partial', words: DIFFERS[issue.feature] ?? 'Supported with caveats (see the notes).' };
  return { group: 'differs', words: DIFFERS[issue.feature] ?? `Not supported: whatever “${issue.feature}” does is lost there.` };
}
