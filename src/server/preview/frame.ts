/**
 * The colour views of the email page. Neither dark view is a client's exact rendering;
 * each shows one of the two things dark-mode clients actually do to an email.
 */
export const SCHEMES = {
  light: { label: 'Light', explain: 'The email as sent.' },
  invert: {
    label: 'Dark (inverted, as Gmail does)',
    explain:
      'Full colour inversion (invert + hue-rotate, images turned back), as the Gmail apps and Outlook do to emails without dark styles of their own. Clients differ in detail; check that text stays readable and nothing vanishes.',
  },
  dark: {
    label: "Dark (the email's own dark styles)",
    explain:
      "What a reader in dark mode sees in an app that honours the email's own dark styles (Apple Mail, Outlook for Mac): its prefers-color-scheme: dark rules switched on and a dark canvas. An email without such rules keeps its own colours here. Gmail ignores them and inverts instead: see the other dark view.",
  },
} as const;

export type Scheme = keyof typeof SCHEMES;

export function isScheme(value: unknown): value is Scheme {
  return typeof value === 'string' && Object.hasOwn(SCHEMES, value);
}

const INJECT: Record<Scheme, string> = {
  light: '',
  invert:
    '<style data-preview="invert">html{filter:invert(1) hue-rotate(180deg);background:#fff}img,picture,video{filter:invert(1) hue-rotate(180deg)}</style>',
  // The CSS property beats the email's own `<meta name=color-scheme content="light dark">`.
  dark: '<style data-preview="dark">:root{color-scheme:dark}</style>',
};

/** The email document for the sandboxed iframe, with the chosen view's CSS added to its head. */
export function frameDocument(emailHtml: string, scheme: Scheme): string {
  const extra = INJECT[scheme];
  if (!extra) return emailHtml;
  // The email's own dark rules apply whatever the browser's setting: this view is dark mode.
  if (scheme === 'dark') emailHtml = emailHtml.replace(/@media\s*\(\s*prefers-color-scheme\s*:\s*dark\s*\)/gi, '@media all');
  const at = emailHtml.search(/<\/head>/i);
  return at >= 0 ? `${emailHtml.slice(0, at)}${extra}${emailHtml.slice(at)}` : `${extra}${emailHtml}`;
}
