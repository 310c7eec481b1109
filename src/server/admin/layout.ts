import { html, raw, type SafeHtml } from '../html.ts';

/** The console's own pages (sign-in, audit, readers); the preview's pages keep their layout. */
/** `extra`: a page's own style (before the console's, which wins on layout) and script. */
export function adminPage(title: string, body: SafeHtml, signedIn?: { email: string; csrf: string }, extra: { style?: string; script?: string } = {}): string {
  return html`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · coursemail console</title>${extra.style ? html`<style>${raw(extra.style)}</style>` : ''}
<style>*{box-sizing:border-box}body{font:15px/1.5 -apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:0;color:#1f2933;background:#f5f7fa}
header{display:flex;flex-wrap:wrap;gap:6px 16px;align-items:center;padding:10px 24px;background:#102a43;color:#fff}header a{color:#fff}
main{max-width:960px;margin:0 auto;padding:20px 24px}.card{background:#fff;border:1px solid #d9e2ec;border-radius:8px;padding:16px;margin:0 0 16px}
table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #d9e2ec;font-size:14px;vertical-align:top}td.addr{overflow-wrap:anywhere}h1,p,td{overflow-wrap:break-word}
input,button,select{font:inherit;padding:6px 10px;max-width:100%}button{cursor:pointer}.muted{color:#52606d}.bad{color:#c92a2a}
header form{margin:0 0 0 auto}
@media (max-width:600px){header{padding:8px 12px}main{padding:16px 12px}.card{padding:12px}th,td{padding:6px 4px}}</style></head>
<body><header><b>coursemail console</b>${signedIn ? html`<a href="/admin/">Series</a><a href="/admin/broadcasts">Broadcasts</a><a href="/admin/drafts">Drafts</a><a href="/admin/status">Status</a><a href="/admin/readers">Readers</a><a href="/admin/audit">Audit log</a>${signOutForms(signedIn)}` : ''}</header>
<main>${body}</main>${extra.script ? html`<script>${raw(extra.script)}</script>` : ''}</body></html>`.value;
}

export function signOutForms(s: { email: string; csrf: string }): SafeHtml {
  return html`<form method="post" action="/admin/sign-out?console_csrf=${s.csrf}" style="display:inline;margin-left:auto"><span style="color:#bcccdc">${s.email}</span> <button type="submit" data-testid="sign-out">Sign out</button></form>`;
}
