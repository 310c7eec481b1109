import { tokenize } from './html-tokens.ts';
import type { LintInput, LintOptions, LintWarning } from './types.ts';

/** Link text that says nothing out of context (screen readers list links by their text). */
const VAGUE_TEXT = new Set(['here', 'click here', 'click', 'this', 'this link', 'link', 'more', 'read more', 'click here to read more']);
const WHOLE_PLACEHOLDER = /^\{\{\s*[\w.]+\s*\}\}$/;

interface Link {
  href: string | undefined;
  text: string;
  imageAlt: string[];
}

function links(html: string): Link[] {
  const out: Link[] = [];
  let open: Link | undefined;
  for (const t of tokenize(html)) {
    if (t.type === 'open' && t.name === 'a') open = { href: t.attrs.href, text: '', imageAlt: [] };
    else if (t.type === 'close' && t.name === 'a' && open) {
      out.push(open);
      open = undefined;
    } else if (open && t.type === 'text') open.text += t.text;
    else if (open && t.type === 'open' && t.name === 'img') open.imageAlt.push(t.attrs.alt ?? '');
  }
  return out;
}

const short = (s: string) => (s.length > 80 ? `${s.slice(0, 77)}…` : s);

export function lintLinks(html: string, opts: LintOptions): LintWarning[] {
  const warnings: LintWarning[] = [];
  const seen = new Set<string>();
  const once = (w: LintWarning) => {
    if (!seen.has(w.message)) warnings.push(w);
    seen.add(w.message);
  };
  // Links to this machine (the dev server's publicUrl): one warning for them all, or every
  // email in the preview would list each of its footer links.
  const local = new Map<string, number>();
  for (const link of links(html)) {
    const href = link.href?.trim() ?? '';
    const label = link.text.replace(/\s+/g, ' ').trim();
    if (!href || href === '#') once({ rule: 'link-empty', message: `link “${short(label)}” goes nowhere (href ${href ? '"#"' : 'missing'})` });
    else if (WHOLE_PLACEHOLDER.test(href)) {
      if (opts.filled) once({ rule: 'placeholder-unfilled', message: `link “${short(label)}” still has the placeholder ${href}` });
    } else if (/^(mailto|tel|sms):/i.test(href)) {
      // Addresses and phone numbers (the footer's 988 to call and to text) are fine as they are.
    } else if (/^http:\/\//i.test(href)) {
      const origin = /^http:\/\/(?:localhost|127\.0\.0\.1|\[::1\])(?::\d+)?(?=[/?#]|$)/i.exec(href)?.[0];
      if (origin) local.set(origin, (local.get(origin) ?? 0) + 1);
      else once({ rule: 'link-https', message: `link ${short(href)} is http, not https: clients may flag it and readers' data travels in clear` });
    } else if (!/^https:\/\//i.test(href))
      once({ rule: 'link-absolute', message: `link ${short(href)} is not an absolute https URL: it cannot work from an inbox` });
    const words = label
      .toLowerCase()
      .replace(/[.!:,»›→]+$/g, '')
      .trim();
    if (VAGUE_TEXT.has(words))
      once({ rule: 'link-text', message: `link text “${label}” says nothing out of context: name where it goes (e.g. “read the trial summary”)` });
    else if (!label && !link.imageAlt.some((a) => a.trim()))
      once({ rule: 'link-text', message: `link ${short(href)} has no text (and no image alt): screen readers announce only the URL` });
  }
  for (const [origin, n] of local) {
    warnings.push({
      rule: 'link-https',
      message: `${n === 1 ? 'a link goes' : `${n} links go`} to ${origin}, http on this machine: fine for local tests, but a real send needs an https publicUrl`,
    });
  }
  return warnings;
}

/** A filled message must not show a reader any `{{…}}`, in any part. */
export function lintUnfilled(msg: LintInput): LintWarning[] {
  const parts: [string, string][] = [
    ['subject', msg.subject],
    ['preheader', msg.preheader],
    ['HTML', msg.html],
    ['plain text', msg.text],
  ];
  return parts
    .filter(([, s]) => s.includes('{{'))
    .map(([part, s]) => ({
      rule: 'placeholder-unfilled' as const,
      message: `the ${part} still contains “${short(s.slice(s.indexOf('{{'), s.indexOf('{{') + 40))}” after filling`,
    }));
}
