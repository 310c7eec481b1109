import type { Context } from 'hono';
import { CRISIS_LINE } from '../../render/footer.ts';
import { html, raw, type SafeHtml } from '../html.ts';
import type { PublicDeps } from './deps.ts';
import { STYLESHEET, TIMEZONE_SCRIPT } from './headers.ts';

export type PageStatus = 200 | 400 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 429 | 500;

/**
 * One calm, small page: the message, then the footer every page carries — the crisis line,
 * who runs this list and where. No external asset, no analytics, nothing that phones home.
 */
export function page(deps: Pick<PublicDeps, 'config'>, title: string, body: SafeHtml, opts: { script?: boolean } = {}): string {
  const { sender, postalAddress } = deps.config;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title} · ${sender.name}</title>
<style>${raw(STYLESHEET)}</style>
</head>
<body>
<main>
${body}
</main>
<footer>
<p><strong>${crisisLine()}</strong></p>
<p>${sender.name} · ${postalAddress}</p>
<p>No tracking: these pages set no cookies and load nothing from anyone else.</p>
</footer>
${opts.script ? html`<script>${raw(TIMEZONE_SCRIPT)}</script>` : ''}
</body>
</html>
`.value;
}

/** The crisis line with its number and site as links: one tap on a phone. */
function crisisLine(): SafeHtml {
  return raw(
    html`${CRISIS_LINE}`.value
      .replace('call or text 988', 'call or text <a href="tel:988">988</a>')
      .replace('988lifeline.org', '<a href="https://988lifeline.org">988lifeline.org</a>'),
  );
}

export const respond = (c: Context, deps: Pick<PublicDeps, 'config'>, status: PageStatus, title: string, body: SafeHtml, opts: { script?: boolean } = {}) =>
  c.html(page(deps, title, body, opts), status);

/** A short page for refusals (403, 404, 413, 415, 429…): what happened and what to do. */
export const notice = (c: Context, deps: Pick<PublicDeps, 'config'>, status: PageStatus, title: string, message: string) =>
  respond(c, deps, status, title, html`<h1>${title}</h1><p>${message}</p>`);
