import type { Context, Hono, Next } from 'hono';
import { isSampleToken, type TokenPurpose } from '../../tokens/index.ts';
import { html } from '../html.ts';
import type { PublicContext } from './context.ts';
import { respond } from './layout.ts';

const WHAT: Record<TokenPurpose, string> = {
  unsubscribe: 'unsubscribes the reader it was sent to',
  preferences: 'opens the preferences of the reader it was sent to',
  confirm: 'confirms the sign-up of the reader it was sent to',
};

const testSendPage = (purpose: TokenPurpose) =>
  html`<h1>This was a test send</h1><p>This link came from a test send or a preview, made for a sample reader. It belongs to nobody, so nothing was changed.</p><p class="muted">In a real message this link ${WHAT[purpose]}.</p>`;

/**
 * Links in a test send (and the preview's samples) are signed with the sample key, which
 * no real link uses: opened, they say so with a 200, where the real routes would answer
 * 400 "not valid". Mounted before those routes; any other token passes on to them.
 */
export function testSendLinkRoutes(app: Hono, ctx: PublicContext): void {
  const answer = (purpose: TokenPurpose) => async (c: Context, next: Next) => {
    if (!isSampleToken(purpose, c.req.param('token') ?? '')) return next();
    // A mail client's one-click POST wants a short answer, not a page.
    if (c.req.method === 'POST' && purpose === 'unsubscribe' && !(c.req.header('accept') ?? '').includes('text/html')) {
      return c.text('This was a test send: nobody was unsubscribed.', 200);
    }
    return respond(c, ctx, 200, 'This was a test send', testSendPage(purpose));
  };
  app.on(['GET', 'POST'], '/u/:token', answer('unsubscribe'));
  app.on(['GET', 'POST'], '/p/:token', answer('preferences'));
  app.get('/p/:token/data.json', answer('preferences'));
  app.on(['GET', 'POST'], '/confirm/:token', answer('confirm'));
}
