/**
 * The preview's pages under /admin: the same app, reached with the prefix taken off, its
 * root-relative URLs given it back, and every form action carrying the session's CSRF
 * token as `console_csrf` (checked before a body is read; the preview keeps its own `csrf`). The email frames are passed through untouched.
 */
const URL_ATTRIBUTES = /(\s(?:href|src|action|data-src|data-base|data-poll)=")\/(?!\/)/g;

function prefixPage(markup: string, csrf: string, nav: string): string {
  return markup
    .replace(URL_ATTRIBUTES, '$1/admin/')
    .replace(/new EventSource\('\//g, "new EventSource('/admin/")
    .replace(
      /(<form\b[^>]*\saction=")([^"]*)"/g,
      (_m, head: string, action: string) => `${head}${action}${action.includes('?') ? '&amp;' : '?'}console_csrf=${csrf}"`,
    )
    .replace(/<\/header>/, `${nav}</header>`);
}

function stripPrefix(url: URL): string {
  const rest = url.pathname.slice('/admin'.length);
  return (rest === '' ? '/' : rest) + url.search;
}

export async function forward(
  preview: { fetch: (req: Request, env?: unknown) => Response | Promise<Response> },
  req: Request,
  origin: string,
  body: Buffer | undefined,
  csrf: string,
  nav: string,
  env?: unknown,
): Promise<Response> {
  const url = new URL(req.url);
  // The preview's Host check guards a login-less local tool against DNS rebinding; here a
  // rebinding page carries no session cookie, so the session is that guard and the inner app is addressed as local.
  const headers = new Headers(req.headers);
  headers.set('host', 'localhost');
  const inner = new Request(origin + stripPrefix(url), {
    method: req.method,
    headers,
    body: body?.length ? new Uint8Array(body) : undefined,
    signal: req.signal,
  });
  const res = await preview.fetch(inner, env);
  const out = new Headers(res.headers);
  const location = out.get('location');
  if (location?.startsWith('/') && !location.startsWith('//')) out.set('location', `/admin${location}`);
  const type = out.get('content-type') ?? '';
  if (!type.startsWith('text/html') || /\/frame$/.test(url.pathname)) return new Response(res.body, { status: res.status, headers: out });
  out.delete('content-length');
  return new Response(prefixPage(await res.text(), csrf, nav), { status: res.status, headers: out });
}
