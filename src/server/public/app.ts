import { Hono } from 'hono';
import { html } from '../html.ts';
import { confirmRoutes } from './confirm.ts';
import { publicContext, refusal, wasApplied } from './context.ts';
import type { PublicDeps } from './deps.ts';
import { securityHeaders } from './headers.ts';
import { respond } from './layout.ts';
import { preferencesRoutes } from './preferences.ts';
import { subscribeRoutes } from './subscribe.ts';
import { testSendLinkRoutes } from './test-send-links.ts';
import { unsubscribeRoutes } from './unsubscribe.ts';

/**
 * The public endpoints as a Hono app: sign-up, confirmation, one-click unsubscribe and
 * the preferences page. No cookies, no sessions: signed links are the only credentials.
 * `coursemail serve` runs it alone; `dev` can mount it beside the preview.
 */
export function createPublicApp(deps: PublicDeps): Hono {
  const ctx = publicContext(deps);
  const app = new Hono();
  app.use(securityHeaders);

  app.get('/', (c) =>
    respond(
      c,
      ctx,
      200,
      'Courses',
      html`<h1>Courses</h1><ul class="plain">${[...ctx.series].map(([id, s]) => html`<li><a href="/subscribe/${encodeURIComponent(id)}">${s.title}</a></li>`)}</ul>`,
    ),
  );
  subscribeRoutes(app, ctx);
  testSendLinkRoutes(app, ctx);
  confirmRoutes(app, ctx);
  unsubscribeRoutes(app, ctx);
  preferencesRoutes(app, ctx);

  app.notFound((c) => refusal(c, ctx, 404, 'Not found', 'There is nothing at this address.'));
  app.onError((err, c) => {
    console.error('coursemail public endpoint error:', err);
    if (wasApplied(c))
      return refusal(
        c,
        ctx,
        500,
        'Saved, but this page failed',
        'Your change was saved, but this page could not be shown. Open your link again to see where things stand.',
      );
    return refusal(c, ctx, 500, 'Something went wrong', 'Something went wrong on our side; nothing was changed. Please try again in a few minutes.');
  });
  return app;
}
