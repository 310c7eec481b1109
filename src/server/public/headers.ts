import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

/** The pages' only script: fills the hidden time-zone field from the browser, if empty. */
export const TIMEZONE_SCRIPT =
  "(function(){try{var z=Intl.DateTimeFormat().resolvedOptions().timeZone;var f=document.querySelectorAll('input[name=timezone]');for(var i=0;i<f.length;i++){if(!f[i].value)f[i].value=z;}}catch(e){}})();";

export const STYLESHEET = [
  ':root{color-scheme:light dark;--fg:#1f2328;--bg:#fdfcfa;--muted:#57606a;--accent:#0b5cad;--line:#d0d7de}',
  '@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#161b22;--muted:#9da7b3;--accent:#6cb6ff;--line:#30363d}}',
  'body{margin:0;background:var(--bg);color:var(--fg);font:1.0625rem/1.6 system-ui,-apple-system,"Segoe UI",sans-serif}',
  'main,footer{max-width:36rem;margin:0 auto;padding:1.5rem 1.25rem}',
  'h1{font-size:1.5rem;line-height:1.3;margin:1rem 0}h2{font-size:1.15rem;margin-top:2rem}',
  'a{color:var(--accent)}p.lead{font-size:1.125rem}.muted,.hint{color:var(--muted)}.hint{font-size:.95rem;margin:.25rem 0 0}',
  'label{display:block;font-weight:600;margin-top:1rem}input[type=email],input[type=text]{box-sizing:border-box;width:100%;font:inherit;padding:.55rem .65rem;margin-top:.25rem;border:1px solid var(--muted);border-radius:6px;background:transparent;color:inherit}',
  'input[type=checkbox]{width:1.1rem;height:1.1rem;margin-right:.5rem;vertical-align:middle}label.check{font-weight:400}',
  'button{font:inherit;font-weight:600;margin-top:1.25rem;padding:.6rem 1.1rem;border-radius:6px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer}',
  'button.secondary{background:transparent;color:var(--accent)}button.danger{background:#b42318;border-color:#b42318}',
  ':focus-visible{outline:3px solid var(--accent);outline-offset:2px}',
  '.error{color:#b42318;font-weight:600}[role=status]{border-left:4px solid var(--accent);padding:.25rem .75rem}',
  '.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}',
  'dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}',
  'form.inline{display:inline}ul.plain{padding-left:1.1rem}',
  'footer{border-top:1px solid var(--line);font-size:.9rem;color:var(--muted)}footer p{margin:.5rem 0}',
].join('\n');

const hash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * Inline script and style are allowed by hash, not by a per-response nonce: the same page
 * then has the same bytes every time, which the no-enumeration answer relies on, and
 * nothing else inline can run. No third-party origin, no frames.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `script-src ${hash(TIMEZONE_SCRIPT)}`,
  `style-src ${hash(STYLESHEET)}`,
  "img-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  const h = c.res.headers;
  h.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  // Links carry tokens: no other site ever sees a referrer. Same-origin requests keep it,
  // because under `no-referrer` a browser sends `Origin: null` on our own form posts, and
  // the origin is what the CSRF check reads.
  h.set('Referrer-Policy', 'same-origin');
  h.set('X-Content-Type-Options', 'nosniff');
  h.set('X-Frame-Options', 'DENY');
  h.set('Cross-Origin-Opener-Policy', 'same-origin');
  h.set('Cross-Origin-Resource-Policy', 'same-origin');
  h.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()');
  // Pages behind signed links show personal data: no cache keeps a copy.
  h.set('Cache-Control', 'no-store');
};
